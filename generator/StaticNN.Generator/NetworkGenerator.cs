using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNN.Generator.Emitting;
using StaticNN.Generator.Model;
using StaticNN.Generator.Parsing;

namespace StaticNN.Generator;

/// <summary>Compiles each <c>[Network]</c> class into SIMD forward and backward passes specialised to its sizes.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeNames.NetworkAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => NetworkParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<NetworkSpec> specs = results
            .Select(static (r, _) => r.Spec)
            .Where(static s => s is not null)
            .Select(static (s, _) => s!)
            .WithTrackingName(TrackingNames.Spec);

        IncrementalValueProvider<CompilationFeatures> features = context.CompilationProvider
            .Select(static (c, _) => new CompilationFeatures(c.Options is CSharpCompilationOptions { AllowUnsafe: true }))
            .WithTrackingName(TrackingNames.Features);

        context.RegisterSourceOutput(
            specs.Combine(features).WithTrackingName(TrackingNames.SpecWithFeatures),
            static (spc, pair) => NetworkEmitter.Emit(spc, pair.Left, pair.Right));

        IncrementalValuesProvider<ImmutableArray<Diagnostic>> diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (Diagnostic diagnostic in list)
            {
                spc.ReportDiagnostic(diagnostic);
            }
        });
    }
}
