using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using System.Linq;
using System.Text;
using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Emitting;
using StaticNN.Generator.Model;
using StaticNN.Generator.Parsing;
using StaticNN.Generator.Weights;

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

        // [Input] or a layer attribute without [Network] (SNN0018): one pipeline per attribute, since each
        // ForAttributeWithMetadataName matches one name; the parser reports a class only from its first such attribute.
        IncrementalValuesProvider<ParseResult> withoutNetwork = WithoutNetwork(context);

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

        // [Network(Weights = "...")]: the weight files (encoded by build/StaticNN.targets), each decoded once, bound to
        // the networks that name them. Binding re-runs when a weight file or the declaring file changes; the source is
        // re-emitted only when the baked values change.
        IncrementalValueProvider<ImmutableArray<WeightFileInput>> weightFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => WeightFileDecoder.Decode(pair.Left, pair.Right.GetOptions(pair.Left), ct))
            .Where(static f => f is not null)
            .Select(static (f, _) => f!)
            .WithTrackingName(TrackingNames.WeightFiles)
            .Collect();

        IncrementalValueProvider<string?> projectDirectory = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(WeightFileDecoder.ProjectDirectoryProperty, out string? directory) ? directory : null);

        IncrementalValuesProvider<PretrainedBinding> bindings = results
            .Select(static (r, _) => r.Pretrained)
            .Where(static r => r is not null)
            .Combine(weightFiles.Combine(projectDirectory))
            .Select(static (pair, _) => PretrainedBinder.Bind(pair.Left!, pair.Right.Left, pair.Right.Right))
            .WithTrackingName(TrackingNames.PretrainedBinding);

        IncrementalValuesProvider<PretrainedModel> pretrained = bindings
            .Select(static (b, _) => b.Model)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.PretrainedModel);

        context.RegisterSourceOutput(pretrained, static (spc, model) =>
        {
            (string hintName, string source) = PretrainedEmitter.Emit(model);
            spc.AddSource(hintName, SourceText.From(source, Encoding.UTF8));
        });

        // Only failed bindings meet the compilation, which they need to point at the Weights argument.
        context.RegisterSourceOutput(bindings.Where(static b => b.Problem is not null).Combine(context.CompilationProvider), static (spc, pair) =>
        {
            (PretrainedBinding binding, Compilation compilation) = pair;
            WeightsProblem problem = binding.Problem!;
            spc.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.WeightsDescriptor(problem.DescriptorId), binding.Request.LocationIn(compilation), problem.Arguments.ToArray<object>()));
        });

        IncrementalValuesProvider<ImmutableArray<Diagnostic>> diagnostics = results
            .Select(static (r, _) => r.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        IncrementalValuesProvider<ImmutableArray<Diagnostic>> diagnosticsWithoutNetwork = withoutNetwork.Select(static (r, _) => r.Diagnostics);

        // An invalid declaration still gets the members of a network (bodies that throw), so that the user's code
        // compiles and the SNN diagnostics are the only errors.
        IncrementalValuesProvider<InvalidNetworkSpec> placeholders = results
            .Select(static (r, _) => r.Placeholder)
            .Where(static p => p is not null)
            .Select(static (p, _) => p!)
            .WithTrackingName(TrackingNames.Placeholder);
        IncrementalValuesProvider<InvalidNetworkSpec> placeholdersWithoutNetwork = withoutNetwork
            .Select(static (r, _) => r.Placeholder)
            .Where(static p => p is not null)
            .Select(static (p, _) => p!);
        foreach (IncrementalValuesProvider<InvalidNetworkSpec> source in new[] { placeholders, placeholdersWithoutNetwork })
        {
            context.RegisterSourceOutput(source, static (spc, spec) =>
            {
                (string hintName, string text) = InvalidNetworkEmitter.Emit(spec);
                spc.AddSource(hintName, SourceText.From(text, Encoding.UTF8));
            });
        }
        context.RegisterSourceOutput(bindings.Where(static b => b.Problem is not null).Select(static (b, _) => b.Request.Spec.Type), static (spc, type) =>
        {
            (string hintName, string text) = InvalidNetworkEmitter.EmitCreatePretrained(type);
            spc.AddSource(hintName, SourceText.From(text, Encoding.UTF8));
        });

        foreach (IncrementalValuesProvider<ImmutableArray<Diagnostic>> source in new[] { diagnostics, diagnosticsWithoutNetwork })
        {
            context.RegisterSourceOutput(source, static (spc, list) =>
            {
                foreach (Diagnostic diagnostic in list)
                {
                    spc.ReportDiagnostic(diagnostic);
                }
            });
        }
    }

    private static IncrementalValuesProvider<ParseResult> WithoutNetwork(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<ImmutableArray<ParseResult>>? all = null;
        foreach (string attributeName in new[] { KnownTypeNames.InputAttribute }.Concat(Parsing.Layers.LayerParsers.AttributeNames))
        {
            IncrementalValueProvider<ImmutableArray<ParseResult>> found = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (ctx, ct) => NetworkParser.ParseWithoutNetwork(ctx, ct))
                .Where(static r => r is not null)
                .Select(static (r, _) => r!)
                .Collect();
            all = all is null ? found : all.Value.Combine(found).Select(static (pair, _) => pair.Left.AddRange(pair.Right));
        }
        return all!.Value.SelectMany(static (results, _) => results).WithTrackingName(TrackingNames.ParseWithoutNetwork);
    }
}
