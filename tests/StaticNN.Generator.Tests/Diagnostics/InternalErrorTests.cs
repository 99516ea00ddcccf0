using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNN.Generator.Model;
using StaticNN.Generator.Parsing;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>
/// SNN9001. No valid or invalid source makes the parser throw (that would be a bug, found by the other tests), so this
/// test hands <see cref="NetworkParser.Parse"/> a context the driver never builds: a [Network] class whose attribute list
/// is empty. Roslyn's constructor is internal, hence the reflection.
/// </summary>
public sealed class InternalErrorTests
{
    [Fact]
    public void ParserThrows_ReportsSNN9001OnTheClassInsteadOfThrowing()
    {
        (string source, var spans) = DiagnosticMarkup.Parse("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class /*SNN9001*/Net/*end*/;
            """);
        var compilation = GeneratorHarness.CreateCompilation(source);
        SyntaxTree tree = compilation.SyntaxTrees[0];
        ClassDeclarationSyntax declaration = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        SemanticModel model = compilation.GetSemanticModel(tree);
        INamedTypeSymbol symbol = (INamedTypeSymbol)model.GetDeclaredSymbol(declaration).ShouldNotBeNull();
        ConstructorInfo constructor = typeof(GeneratorAttributeSyntaxContext)
            .GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(c => c.GetParameters().Length == 4);
        var context = (GeneratorAttributeSyntaxContext)constructor.Invoke(
            new object[] { declaration, symbol, model, ImmutableArray<AttributeData>.Empty });

        ParseResult result = NetworkParser.Parse(context, CancellationToken.None);

        result.Spec.ShouldBeNull();
        Diagnostic diagnostic = result.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Id.ShouldBe("SNN9001");
        diagnostic.Severity.ShouldBe(DiagnosticSeverity.Error);
        diagnostic.Location.SourceSpan.ShouldBe(spans.Single().Span);
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldBe(
            "StaticNN could not generate 'Net' (IndexOutOfRangeException: Index was outside the bounds of the array.); please report this with the declaration");
    }
}
