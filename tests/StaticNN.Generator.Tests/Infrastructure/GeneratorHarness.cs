using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>How the test compilation is set up; the defaults are what a .NET 10 library project gets.</summary>
internal sealed record HarnessOptions
{
    public static readonly HarnessOptions Default = new();

    public bool AllowUnsafe { get; init; }

    public LanguageVersion LanguageVersion { get; init; } = LanguageVersion.Latest;

    /// <summary><see cref="DocumentationMode.Diagnose"/> reports malformed XML docs, as GenerateDocumentationFile does.</summary>
    public DocumentationMode DocumentationMode { get; init; } = DocumentationMode.Parse;

    public OptimizationLevel OptimizationLevel { get; init; } = OptimizationLevel.Release;

    public CSharpParseOptions ParseOptions => new(LanguageVersion, DocumentationMode);
}

/// <summary>
/// Builds a <see cref="CSharpCompilation"/> from source strings and runs <see cref="NetworkGenerator"/> on it with step
/// tracking on, as EnumGen's <c>TestHelpers</c> and Mapperly's <c>TestHelper</c> do.
/// </summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The framework and app assemblies of the test process, plus the StaticNN runtime.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpCompilation CreateCompilation(string source, HarnessOptions? options = null) =>
        CreateCompilation(new[] { source }, options);

    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, HarnessOptions? options = null)
    {
        options ??= HarnessOptions.Default;
        SyntaxTree[] trees = sources
            .Select((text, i) => CSharpSyntaxTree.ParseText(text, options.ParseOptions, path: SourcePath(i)))
            .ToArray();
        return CSharpCompilation.Create(
            "TestAssembly",
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: options.OptimizationLevel,
                allowUnsafe: options.AllowUnsafe,
                warningLevel: 9999,
                deterministic: true));
    }

    /// <summary>The path of the i-th test source, as diagnostics report it.</summary>
    public static string SourcePath(int index) => $"{SourceDirectory}Test{index}.cs";

    public const string SourceDirectory = "/src/";

    /// <summary>True for a tree the test wrote (as opposed to a generated one).</summary>
    public static bool IsTestSource(SyntaxTree? tree) => tree?.FilePath.StartsWith(SourceDirectory, StringComparison.Ordinal) == true;

    public static SyntaxTree ParseTree(string source, CSharpCompilation like, int index) =>
        CSharpSyntaxTree.ParseText(source, (CSharpParseOptions)like.SyntaxTrees[0].Options, path: SourcePath(index));

    public static GeneratorDriver CreateDriver(
        CSharpParseOptions parseOptions, IEnumerable<EncodedWeightFile>? weightFiles = null, string? projectDirectory = WeightFiles.ProjectDirectory) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: weightFiles?.Select(f => f.Text),
            parseOptions: parseOptions,
            optionsProvider: weightFiles is null ? null : TestAnalyzerConfigOptionsProvider.For(weightFiles, projectDirectory),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator with weight files among the AdditionalFiles (as the build targets pass them).</summary>
    public static GeneratorRun Run(string source, params EncodedWeightFile[] weightFiles)
    {
        CSharpCompilation compilation = CreateCompilation(source);
        return Run(compilation, CreateDriver((CSharpParseOptions)compilation.SyntaxTrees[0].Options, weightFiles));
    }

    public static GeneratorRun Run(string source, HarnessOptions? options = null) =>
        Run(CreateCompilation(source, options));

    public static GeneratorRun Run(IEnumerable<string> sources, HarnessOptions? options = null) =>
        Run(CreateCompilation(sources, options));

    /// <summary>Runs the generator; pass the driver of a previous run to see what it cached.</summary>
    public static GeneratorRun Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CreateDriver((CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        return new GeneratorRun(compilation, driver, output, driverDiagnostics);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(NetworkAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        paths.Length.ShouldBeGreaterThan(1, "TRUSTED_PLATFORM_ASSEMBLIES is empty");
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}

/// <summary>One generator run: the driver (for the next run), its result, and the compilations before and after.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(CSharpCompilation input, GeneratorDriver driver, Compilation output, ImmutableArray<Diagnostic> driverDiagnostics)
    {
        InputCompilation = input;
        Driver = driver;
        OutputCompilation = output;
        DriverDiagnostics = driverDiagnostics;
        RunResult = driver.GetRunResult();
        Result = RunResult.Results.ShouldHaveSingleItem();
        Result.Exception.ShouldBeNull();
        Sources = Result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
    }

    public CSharpCompilation InputCompilation { get; }

    public GeneratorDriver Driver { get; }

    public Compilation OutputCompilation { get; }

    /// <summary>Diagnostics the driver reports (generator diagnostics after the compilation's filters, and generator failures).</summary>
    public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

    public GeneratorDriverRunResult RunResult { get; }

    public GeneratorRunResult Result { get; }

    /// <summary>Generated sources by hint name, in emission order.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    public IReadOnlyList<string> HintNames => Result.GeneratedSources.Select(s => s.HintName).ToList();

    /// <summary>What the generator reported, with pragma suppressions applied (suppressed ones have IsSuppressed set).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>The output compilation's own diagnostics: C# errors and warnings in user and generated code.</summary>
    public ImmutableArray<Diagnostic> CompilerDiagnostics => OutputCompilation.GetDiagnostics();

    /// <summary>The specs the pipeline produced (the tracked <see cref="TrackingNames.Spec"/> step's outputs).</summary>
    public IReadOnlyList<NetworkSpec> Specs => StepOutputs(TrackingNames.Spec).Select(o => (NetworkSpec)o.Value).ToList();

    public NetworkSpec SingleSpec => Specs.ShouldHaveSingleItem();

    /// <summary>Every output of a tracked step, flattened over the step's runs.</summary>
    public IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> StepOutputs(string stepName) =>
        Result.TrackedSteps.TryGetValue(stepName, out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps.SelectMany(s => s.Outputs).ToList()
            : Array.Empty<(object, IncrementalStepRunReason)>();

    /// <summary>
    /// Outputs of the <c>RegisterSourceOutput</c> that emits the networks (the one fed by <see cref="TrackingNames.SpecWithFeatures"/>;
    /// the diagnostics output is left out).
    /// </summary>
    public IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> SourceOutputs =>
        Result.TrackedOutputSteps.TryGetValue("SourceOutput", out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps.Where(s => s.Inputs.Any(i => i.Source.Name == TrackingNames.SpecWithFeatures)).SelectMany(s => s.Outputs).ToList()
            : Array.Empty<(object, IncrementalStepRunReason)>();

    /// <summary>
    /// Generated code compiles with nullable enabled and warnings as errors: no unsuppressed diagnostic at Warning or above
    /// from the C# compiler, and none from the generator except <paramref name="allowedGeneratorIds"/>.
    /// </summary>
    public GeneratorRun ShouldCompileWithoutWarnings(params string[] allowedGeneratorIds)
    {
        DriverDiagnostics.Where(d => d.Id.StartsWith("CS", StringComparison.Ordinal)).ShouldBeEmpty("the generator failed");
        Sources.ShouldNotBeEmpty("nothing was generated");
        string[] generator = GeneratorDiagnostics
            .Where(d => !d.IsSuppressed && d.Severity >= DiagnosticSeverity.Warning && !allowedGeneratorIds.Contains(d.Id))
            .Select(Describe).ToArray();
        generator.ShouldBeEmpty("generator diagnostics");
        string[] compiler = CompilerDiagnostics
            .Where(d => !d.IsSuppressed && d.Severity >= DiagnosticSeverity.Warning)
            .Select(Describe).ToArray();
        compiler.ShouldBeEmpty("C# diagnostics in the output compilation");
        return this;
    }

    public static string Describe(Diagnostic d)
    {
        FileLinePositionSpan span = d.Location.GetLineSpan();
        string where = d.Location.IsInSource ? $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})" : "(no location)";
        string line = "";
        if (d.Location.IsInSource)
        {
            string text = d.Location.SourceTree!.GetText().Lines[span.StartLinePosition.Line].ToString().Trim();
            line = $"  | {(text.Length > 160 ? text.Substring(0, 160) + "..." : text)}";
        }
        return $"{d.Id} {d.Severity} {where}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}{line}";
    }
}
