using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNN.Generator.Model;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Incrementality;

/// <summary>
/// STYLE 8 (a)-(e): what the driver caches between runs. The Parse step and the diagnostics output run on every
/// compilation by design (STYLE 3.3), so (a) and (e) leave them out.
/// </summary>
public sealed class IncrementalityTests
{
    private const string NetworkSource = """
        using StaticNN;

        namespace App;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(4)]
        [Dense(10, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class First
        {
            public int Helper() => 1;
        }
        """;

    private static readonly IncrementalStepRunReason[] s_reused = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    /// <summary>Every public step name in <see cref="TrackingNames"/>.</summary>
    private static string[] AllStepNames => typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    /// <summary>
    /// The steps of every network whose outputs must be cacheable: all but the parse steps and Diagnostics (which hold
    /// diagnostics and run on every compilation by design), the weight steps and the invalid declarations' step.
    /// </summary>
    private static string[] CachedStepNames => AllStepNames
        .Except(new[] { TrackingNames.Parse, TrackingNames.ParseWithoutNetwork, TrackingNames.Diagnostics, TrackingNames.Placeholder })
        .Except(WeightStepNames).ToArray();

    /// <summary>The steps that only networks with baked weights ([Network(Weights = ...)]) go through.</summary>
    private static readonly string[] WeightStepNames = { TrackingNames.WeightFiles, TrackingNames.PretrainedBinding, TrackingNames.PretrainedModel };

    private static readonly string BakedSource = NetworkSource.Replace("[Network(Loss = Loss.CrossEntropy)]", "[Network(Loss = Loss.CrossEntropy, Weights = \"iris.safetensors\")]");

    private static EncodedWeightFile WeightFile(int seed = 1) => WeightFiles.Encoded("/src/iris.safetensors", WeightFiles.SafeTensors(
        new TestTensor("layers.0.weight", [10, 4], WeightFiles.Values(40, seed)),
        new TestTensor("layers.0.bias", [10], WeightFiles.Values(10, seed + 1)),
        new TestTensor("layers.1.weight", [3, 10], WeightFiles.Values(30, seed + 2)),
        new TestTensor("layers.1.bias", [3], WeightFiles.Values(3, seed + 3))));

    private static (CSharpCompilation Compilation, GeneratorRun Run, EncodedWeightFile File) FirstBakedRun()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(BakedSource);
        EncodedWeightFile file = WeightFile();
        GeneratorRun run = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver((CSharpParseOptions)compilation.SyntaxTrees[0].Options, [file]));
        run.HintNames.ShouldContain("App.First.Pretrained.g.cs");
        return (compilation, run, file);
    }

    /// <summary>Outputs of the RegisterSourceOutput that emits the baked weights.</summary>
    private static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> PretrainedSourceOutputs(GeneratorRun run) =>
        run.Result.TrackedOutputSteps.TryGetValue("SourceOutput", out var steps)
            ? steps.Where(s => s.Inputs.Any(i => i.Source.Name == TrackingNames.PretrainedModel)).SelectMany(s => s.Outputs).ToList()
            : Array.Empty<(object, IncrementalStepRunReason)>();

    private static (CSharpCompilation Compilation, GeneratorRun Run) FirstRun(string source = NetworkSource, HarnessOptions? options = null)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source, options);
        GeneratorRun run = GeneratorHarness.Run(compilation);
        run.Sources.ShouldNotBeEmpty();
        return (compilation, run);
    }

    private static string Describe(IEnumerable<(object Value, IncrementalStepRunReason Reason)> outputs) =>
        string.Join(", ", outputs.Select(o => $"{o.Reason} {Name(o.Value)}"));

    private static string Name(object value) => value switch
    {
        NetworkSpec spec => spec.Type.Type.Name,
        ValueTuple<NetworkSpec, CompilationFeatures> pair => pair.Item1.Type.Type.Name,
        _ => value.GetType().Name,
    };

    private static void ShouldAllBeReused(GeneratorRun run, string step)
    {
        var outputs = run.StepOutputs(step);
        outputs.ShouldNotBeEmpty($"step {step} has no outputs");
        outputs.Where(o => !s_reused.Contains(o.Reason)).ShouldBeEmpty($"{step}: {Describe(outputs)}");
    }

    [Fact]
    public void TrackingNames_AreAllUsedByThePipeline()
    {
        GeneratorRun run = FirstBakedRun().Run;

        AllStepNames.ShouldBe(new[]
        {
            "Parse", "Spec", "Diagnostics", "Features", "SpecWithFeatures", "WeightFiles", "PretrainedBinding", "PretrainedModel",
            "Placeholder", "ParseWithoutNetwork",
        }, ignoreOrder: true);
        // The invalid declarations' steps only run when there is one.
        GeneratorRun invalid = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(4)][Dense(0)]
            public partial class Broken;

            [Input(4)][Dense(3)]
            public partial class Unmarked;
            """);
        foreach (string name in AllStepNames)
        {
            run.Result.TrackedSteps.Keys.Concat(invalid.Result.TrackedSteps.Keys).ShouldContain(name);
        }
    }

    [Fact]
    public void RerunOnClonedCompilation_ReusesEveryStepButParseAndDiagnostics()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(compilation.Clone(), first.Driver);

        foreach (string step in CachedStepNames)
        {
            ShouldAllBeReused(second, step);
            second.StepOutputs(step).Select(o => o.Value).ShouldBe(first.StepOutputs(step).Select(o => o.Value), step);
        }
        second.SourceOutputs.ShouldNotBeEmpty();
        second.SourceOutputs.ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached, Describe(second.SourceOutputs));
        second.Sources.ShouldBe(first.Sources);
    }

    [Fact]
    public void InvalidDeclaration_RerunReusesThePlaceholderAndReemitsNothing()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun("""
            using StaticNN;

            namespace App;

            [Network][Input(4)][Dense(0)]
            public partial class Broken;

            [Input(4)][Dense(3)]
            public partial class Unmarked;
            """);

        GeneratorRun second = GeneratorHarness.Run(compilation.Clone(), first.Driver);

        ShouldAllBeReused(second, TrackingNames.Placeholder);
        second.StepOutputs(TrackingNames.Placeholder).Select(o => o.Value).ShouldBe(first.StepOutputs(TrackingNames.Placeholder).Select(o => o.Value));
        foreach (GeneratorRun run in new[] { first, second })
        {
            var outputs = run.StepOutputs(TrackingNames.Placeholder);
            for (int i = 0; i < outputs.Count; i++)
            {
                ObjectGraph.FindRoslynObjects(outputs[i].Value, $"Placeholder[{i}]").ShouldBeEmpty();
            }
        }
        second.Sources.ShouldBe(first.Sources);
        second.Sources.Keys.ShouldBe(new[] { "App.Broken.g.cs", "App.Unmarked.g.cs" }, ignoreOrder: true);
    }

    [Fact]
    public void AddingUnrelatedFile_DoesNotReemitNetwork()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun();

        CSharpCompilation changed = compilation.AddSyntaxTrees(
            GeneratorHarness.ParseTree("namespace App; public static class Unrelated { public static int Two() => 2; }", compilation, 1));
        GeneratorRun second = GeneratorHarness.Run(changed, first.Driver);

        ShouldAllBeReused(second, TrackingNames.Spec);
        ShouldAllBeReused(second, TrackingNames.SpecWithFeatures);
        second.SourceOutputs.ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached, Describe(second.SourceOutputs));
    }

    [Fact]
    public void EditingMethodBodyInSameFile_DoesNotReemitNetwork()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun();
        SyntaxTree tree = compilation.SyntaxTrees.Single();

        CSharpCompilation changed = compilation.ReplaceSyntaxTree(
            tree, tree.WithChangedText(tree.GetText().Replace(NetworkSource.IndexOf("=> 1;", StringComparison.Ordinal), 5, "=> 40 + 2; // edited")));
        GeneratorRun second = GeneratorHarness.Run(changed, first.Driver);

        second.StepOutputs(TrackingNames.Parse).ShouldNotBeEmpty("the edit should make the parser run again");
        ShouldAllBeReused(second, TrackingNames.Spec);
        ShouldAllBeReused(second, TrackingNames.SpecWithFeatures);
        second.SourceOutputs.ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached, Describe(second.SourceOutputs));
    }

    [Fact]
    public void ChangingOneLayerSize_ReemitsNetwork()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun();
        SyntaxTree tree = compilation.SyntaxTrees.Single();

        CSharpCompilation changed = compilation.ReplaceSyntaxTree(
            tree, tree.WithChangedText(tree.GetText().Replace(NetworkSource.IndexOf("Dense(10", StringComparison.Ordinal), 8, "Dense(12")));
        GeneratorRun second = GeneratorHarness.Run(changed, first.Driver);

        second.StepOutputs(TrackingNames.Spec).Select(o => o.Reason).ShouldBe(new[] { IncrementalStepRunReason.Modified });
        second.SingleSpec.Layers[0].OutputSize.ShouldBe(12);
        second.StepOutputs(TrackingNames.SpecWithFeatures).Select(o => o.Reason).ShouldBe(new[] { IncrementalStepRunReason.Modified });
        second.SourceOutputs.ShouldContain(o => o.Reason == IncrementalStepRunReason.Modified, Describe(second.SourceOutputs));
        second.Sources["App.First.g.cs"].ShouldContain("Dense 4 -> 12");
    }

    [Fact]
    public void AddingSecondNetwork_DoesNotReemitFirst()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun();

        CSharpCompilation changed = compilation.AddSyntaxTrees(GeneratorHarness.ParseTree("""
            using StaticNN;

            namespace App;

            [Network][Input(2)][Dense(1)]
            public partial class Second;
            """, compilation, 1));
        GeneratorRun second = GeneratorHarness.Run(changed, first.Driver);

        foreach (string step in new[] { TrackingNames.Spec, TrackingNames.SpecWithFeatures })
        {
            var outputs = second.StepOutputs(step);
            string all = $"{step}: {Describe(outputs)}";
            outputs.Where(o => Name(o.Value) == "First").Select(o => o.Reason).ShouldHaveSingleItem(all).ShouldBeOneOf(s_reused);
            outputs.Where(o => Name(o.Value) == "Second").Select(o => o.Reason).ShouldHaveSingleItem(all).ShouldBe(IncrementalStepRunReason.New);
        }
        second.SourceOutputs.Count(o => o.Reason == IncrementalStepRunReason.New).ShouldBe(1, Describe(second.SourceOutputs));
        second.SourceOutputs.Count(o => o.Reason == IncrementalStepRunReason.Cached).ShouldBe(1, Describe(second.SourceOutputs));
        second.HintNames.ShouldContain("App.Second.g.cs");
        second.Sources["App.First.g.cs"].ShouldBe(first.Sources["App.First.g.cs"]);
    }

    [Fact]
    public void TogglingAllowUnsafe_ReemitsWithoutReparsingTheSpec()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(compilation.WithOptions(compilation.Options.WithAllowUnsafe(true)), first.Driver);

        ShouldAllBeReused(second, TrackingNames.Spec);
        second.StepOutputs(TrackingNames.Features).Select(o => o.Reason).ShouldBe(new[] { IncrementalStepRunReason.Modified });
        second.StepOutputs(TrackingNames.SpecWithFeatures).Select(o => o.Reason).ShouldBe(new[] { IncrementalStepRunReason.Modified });
        second.Sources["App.First.g.cs"].ShouldContain("SkipLocalsInit");
        first.Sources["App.First.g.cs"].ShouldNotContain("SkipLocalsInit");
    }

    [Fact]
    public void TrackedOutputs_HoldNoSymbolSyntaxCompilationSemanticModelOrLocation()
    {
        (CSharpCompilation compilation, GeneratorRun first) = FirstRun("""
            using StaticNN;

            namespace App;

            public partial class Outer
            {
                public partial record struct Inner
                {
                    [Network(Loss = Loss.BinaryCrossEntropy)]
                    [Input(7)][Dense(9, Activation.LeakyReLU, Alpha = 0.3f, UseBias = false)][Dense(1, Activation.Sigmoid)]
                    public partial class Net;
                }
            }

            [Network][Input(2)][Dense(1, Activation.Tanh, Alpha = 2f)]
            public partial class WithWarning;
            """);
        GeneratorRun second = GeneratorHarness.Run(compilation.Clone(), first.Driver);

        foreach (GeneratorRun run in new[] { first, second })
        {
            foreach (string step in CachedStepNames)
            {
                var outputs = run.StepOutputs(step);
                outputs.ShouldNotBeEmpty(step);
                for (int i = 0; i < outputs.Count; i++)
                {
                    ObjectGraph.FindRoslynObjects(outputs[i].Value, $"{step}[{i}]").ShouldBeEmpty();
                }
            }
        }
    }

    [Fact]
    public void EditingTheWeightFile_RebindsAndReemitsOnlyTheBakedWeights()
    {
        (CSharpCompilation compilation, GeneratorRun first, EncodedWeightFile file) = FirstBakedRun();
        EncodedWeightFile edited = WeightFile(seed: 7);

        GeneratorDriver driver = first.Driver
            .ReplaceAdditionalText(file.Text, edited.Text)
            .WithUpdatedAnalyzerConfigOptions(TestAnalyzerConfigOptionsProvider.For([edited]));
        GeneratorRun second = GeneratorHarness.Run(compilation, driver);

        second.StepOutputs(TrackingNames.WeightFiles).Select(o => o.Reason).ShouldBe(new[] { IncrementalStepRunReason.Modified });
        second.StepOutputs(TrackingNames.PretrainedModel).Select(o => o.Reason).ShouldBe(new[] { IncrementalStepRunReason.Modified });
        PretrainedSourceOutputs(second).ShouldContain(o => o.Reason == IncrementalStepRunReason.Modified, Describe(PretrainedSourceOutputs(second)));
        second.Sources["App.First.Pretrained.g.cs"].ShouldNotBe(first.Sources["App.First.Pretrained.g.cs"]);
        ShouldAllBeReused(second, TrackingNames.Spec);
        second.SourceOutputs.ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached, Describe(second.SourceOutputs));
        second.Sources["App.First.g.cs"].ShouldBe(first.Sources["App.First.g.cs"]);
    }

    [Fact]
    public void RewritingTheWeightFileWithTheSameContent_ReemitsNothing()
    {
        (CSharpCompilation compilation, GeneratorRun first, EncodedWeightFile file) = FirstBakedRun();
        EncodedWeightFile same = WeightFile();

        GeneratorDriver driver = first.Driver
            .ReplaceAdditionalText(file.Text, same.Text)
            .WithUpdatedAnalyzerConfigOptions(TestAnalyzerConfigOptionsProvider.For([same]));
        GeneratorRun second = GeneratorHarness.Run(compilation, driver);

        ShouldAllBeReused(second, TrackingNames.PretrainedModel);
        PretrainedSourceOutputs(second).ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached, Describe(PretrainedSourceOutputs(second)));
    }

    [Fact]
    public void UnrelatedEdits_LeaveTheBakedWeightsCached()
    {
        (CSharpCompilation compilation, GeneratorRun first, _) = FirstBakedRun();
        SyntaxTree tree = compilation.SyntaxTrees.Single();

        CSharpCompilation changed = compilation
            .ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().Replace(BakedSource.IndexOf("=> 1;", StringComparison.Ordinal), 5, "=> 40 + 2; // edited")))
            .AddSyntaxTrees(GeneratorHarness.ParseTree("namespace App; public static class Unrelated { public static int Two() => 2; }", compilation, 1));
        GeneratorRun second = GeneratorHarness.Run(changed, first.Driver);

        foreach (string step in WeightStepNames)
        {
            ShouldAllBeReused(second, step);
        }
        PretrainedSourceOutputs(second).ShouldNotBeEmpty();
        PretrainedSourceOutputs(second).ShouldAllBe(o => o.Reason == IncrementalStepRunReason.Cached, Describe(PretrainedSourceOutputs(second)));
    }

    [Fact]
    public void WeightSteps_HoldNoSymbolSyntaxCompilationSemanticModelOrLocation()
    {
        GeneratorRun run = FirstBakedRun().Run;

        foreach (string step in WeightStepNames)
        {
            var outputs = run.StepOutputs(step);
            outputs.ShouldNotBeEmpty(step);
            for (int i = 0; i < outputs.Count; i++)
            {
                ObjectGraph.FindRoslynObjects(outputs[i].Value, $"{step}[{i}]").ShouldBeEmpty();
            }
        }
    }

    [Fact]
    public void ObjectGraphWalker_FindsRoslynObjectsNestedInsideModels()
    {
        // The walker itself must be able to fail: a Location inside a record inside an array inside a tuple.
        Location location = GeneratorHarness.CreateCompilation("class C { }").SyntaxTrees[0].GetRoot().GetLocation();
        var graph = (1, new object[] { "text", new Holder(new Holder(location)) });

        ObjectGraph.FindRoslynObjects(graph).ShouldHaveSingleItem().ShouldContain("Location");
        ObjectGraph.FindRoslynObjects(FirstRun().Run.SingleSpec).ShouldBeEmpty();
    }

    private sealed record Holder(object Inner);
}
