using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Parsing;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>SNN0008 beyond the basic cases: which user members conflict, and that the list of generated names is complete.</summary>
public sealed class ConflictingMemberTests
{
    [Theory]
    [InlineData("public int /*SNN0008*/InputSize/*end*/ => 3;", "InputSize")]
    [InlineData("private readonly int /*SNN0008*/_parameters/*end*/ = 1; public int P => _parameters;", "_parameters")]
    [InlineData("public struct /*SNN0008*/InputVector/*end*/ { }", "InputVector")]
    [InlineData("private sealed class /*SNN0008*/TrainingWorkspace/*end*/ { }", "TrainingWorkspace")]
    [InlineData("public static void /*SNN0008*/Predict/*end*/() { }", "Predict")]
    [InlineData("public float /*SNN0008*/ComputeGradients/*end*/(int x) => x;", "ComputeGradients")]
    public void UserMemberWithGeneratedName_ReportsSNN0008(string member, string name)
    {
        DiagnosticAssert.ReportsSingle($$"""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                {{member}}
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            $"'Net' declares or inherits '{name}', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void PrimaryConstructorWithInt_ReportsSNN0008()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class /*SNN0008*/Net/*end*/(int size)
            {
                public int Size => size;
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'constructor Net(int)', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ConstructorOnOtherPartialDeclaration_ReportsSNN0008ThereAndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net;

            public partial class Net
            {
                public /*SNN0008*/Net/*end*/(int seed) { }
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'constructor Net(int)', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Theory]
    [InlineData("public Net(long seed) { }")]
    [InlineData("public Net(string name, int seed) { }")]
    [InlineData("static Net() { }")]
    [InlineData("public void Train() { }")]
    [InlineData("public int Layers => LayerCount;")]
    public void UserMemberWithOtherName_DoesNotConflict(string member)
    {
        GeneratorHarness.Run($$"""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                {{member}}
            }
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void GeneratedMemberNames_ContainEveryMemberTheGeneratorDeclares()
    {
        // A user member named like any generated member must give SNN0008, not a C# error inside generated code.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(8, Activation.GELU)][Dense(3, Activation.Softmax)]
            public partial class Net;
            """).ShouldCompileWithoutWarnings();
        INamedTypeSymbol net = run.OutputCompilation.GetTypeByMetadataName("Net").ShouldNotBeNull();

        string[] generated = net.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.Locations.All(l => !GeneratorHarness.IsTestSource(l.SourceTree)))
            .Where(m => m is not IMethodSymbol { MethodKind: not MethodKind.Ordinary } // constructors, accessors, explicit implementations
                && m is not IPropertySymbol { ExplicitInterfaceImplementations.Length: > 0 })
            .Select(m => m.Name).Distinct().Order().ToArray();

        generated.ShouldNotBeEmpty();
        generated.Where(name => !NetworkParser.GeneratedMemberNames.Contains(name)).ShouldBeEmpty(
            "members the generator declares but NetworkParser.GeneratedMemberNames does not list");
    }

    [Fact]
    public void UserPropertyNamedLikePrivateGeneratedMethod_ReportsSNN0008InsteadOfBrokenCode()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                public int /*SNN0008*/Backward/*end*/ => 1;
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'Backward', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void BaseClassDeclaringPredict_CausesNoWarningInGeneratedCode()
    {
        // Either fix is fine: report SNN0008 for inherited members, or declare the generated member 'new'.
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using StaticNN;

            public class ModelBase
            {
                public void Predict(ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
            }

            [Network][Input(2)][Dense(2)]
            public partial class Net : ModelBase;
            """);

        run.CompilerDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !GeneratorHarness.IsTestSource(d.Location.SourceTree))
            .Select(GeneratorRun.Describe).ShouldBeEmpty();
        run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(
            ["'Net' declares or inherits 'Predict (from ModelBase)', which StaticNN generates for networks; rename or remove it"]);
    }
}
