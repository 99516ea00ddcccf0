using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>
/// A declaration with a mistake reports the SNN diagnostic that explains it and nothing else: the class still gets the
/// members of a network (bodies that throw), so the user's code that calls them does not add CS0117 or CS1739, and a
/// class with layer attributes but no [Network] is reported (SNN0018) instead of being ignored.
/// </summary>
public sealed class PlaceholderTests
{
    /// <summary>User code touching every kind of generated member: constants, vectors, constructors, the API, extensions.</summary>
    private const string UserCode = """

        public static class User
        {
            public static float Run(StaticNN.Data.Dataset data)
            {
                var net = new Net(seed: 1);
                var other = new Net();
                System.Span<float> output = stackalloc float[Net.OutputSize];
                net.Predict(new float[Net.InputSize], output);
                var input = new Net.InputVector();
                net.Predict(in input, out Net.OutputVector vector);
                int label = net.PredictClass(new float[784 / Net.InputSize]);
                net.PredictBatch(new float[Net.InputSize * 2], new float[Net.OutputSize * 2]);
                float loss = net.ComputeGradients(new float[4], new int[1], new float[Net.ParameterBlockLength]);
                net.GetLayerParameters(0, new float[1], new float[1]);
                System.Console.WriteLine(Net.InputShape.ToString() + Net.Tensors.Count + Net.GetLayerInfo(0) + Net.LayerCount + Net.ParameterCount);
                net.Fit(data, new StaticNN.Training.FitOptions { Epochs = 1 });
                net.Save("net.safetensors");
                other.Load("net.safetensors");
                return loss + label + vector[0] + net.Parameters[0];
            }
        }
        """;

    private static GeneratorRun OnlyTheseErrors(string markup, params string[] ids)
    {
        (GeneratorRun run, System.Collections.Generic.IReadOnlyList<Diagnostic> diagnostics) = DiagnosticAssert.Reports(markup);
        diagnostics.Select(d => d.Id).ShouldBe(ids);
        run.ShouldHaveCompilerErrors();
        return run;
    }

    [Fact]
    public void InvalidLayer_ReportsOnlyItsDiagnostic_TheUsersCodeStillCompiles()
    {
        OnlyTheseErrors("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [/*SNN0101*/Dense(0, Activation.ReLU)/*end*/]
            [Dense(3, Activation.Softmax)]
            public partial class Net;
            """ + UserCode, "SNN0101").ShouldGeneratePlaceholder();
    }

    [Fact]
    public void MissingInput_InANamespaceAndANestedClass_ReportsOnlySNN0002()
    {
        GeneratorRun run = OnlyTheseErrors("""
            using StaticNN;

            namespace Demo.Zoo
            {
                public static partial class Models
                {
                    [Network]
                    [Dense(3)]
                    public partial class /*SNN0002*/Net/*end*/;
                }
            }

            public static class User
            {
                public static int Run() => new Demo.Zoo.Models.Net(seed: 1).PredictClass(new float[Demo.Zoo.Models.Net.InputSize]);
            }
            """, "SNN0002");

        run.ShouldGeneratePlaceholder();
        run.HintNames.ShouldBe(new[] { "Demo.Zoo.Models.Net.g.cs" });
    }

    [Fact]
    public void MissingNetworkAttribute_ReportsSNN0018AtTheFirstLayerAttribute_AndNothingElse()
    {
        GeneratorRun run = OnlyTheseErrors("""
            using StaticNN;

            [/*SNN0018*/Input(4)/*end*/]
            [Dense(10, Activation.ReLU)]
            [Dense(3, Activation.Softmax)]
            public partial class Net;
            """ + UserCode, "SNN0018");

        DiagnosticAssert.ShouldBe(run.GeneratorDiagnostics.Single(), "SNN0018", DiagnosticSeverity.Error,
            "'Net' has StaticNN's [Input] but no [Network] attribute, so no network is generated; add [Network] to the class, e.g. [Network(Loss = Loss.CrossEntropy)]");
        run.ShouldGeneratePlaceholder();
    }

    [Fact]
    public void MissingNetworkAttribute_OnLayersAlone_ReportsTheFirstLayerOnce()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0018*/Conv2D(8, 3)/*end*/, MaxPool2D(2)]
            [Flatten]
            public partial class Net;

            public partial class Net { }
            """, "SNN0018", DiagnosticSeverity.Error,
            "'Net' has StaticNN's [Conv2D] but no [Network] attribute, so no network is generated; add [Network] to the class, e.g. [Network(Loss = Loss.CrossEntropy)]")
            .Run.ShouldGeneratePlaceholder();
    }

    [Fact]
    public void MissingNetworkAttribute_OnAClassThatIsNotPartial_IsReportedWithoutPlaceholder()
    {
        // C# would reject generated members on a class without 'partial' (CS0260): SNN0018 explains, nothing is added.
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0018*/Input(4)/*end*/][Dense(3)]
            public class Net;
            """, "SNN0018", DiagnosticSeverity.Error,
            "'Net' has StaticNN's [Input] but no [Network] attribute, so no network is generated; add [Network] to the class, e.g. [Network(Loss = Loss.CrossEntropy)]")
            .Run.ShouldGenerateNoSource().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void NetworkOnAnotherPartialDeclaration_IsNotReportedAsMissing()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Input(4)][Dense(3)]
            public partial class Net;

            [Network]
            public partial class Net;
            """);

        run.GeneratorDiagnostics.ShouldBeEmpty();
        run.SingleSpec.Layers.Count.ShouldBe(1);
        run.ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void OtherAttributesAlone_AreNotReported()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            [System.Serializable, System.Obsolete]
            public partial class Plain;
            """);

        run.GeneratorDiagnostics.ShouldBeEmpty();
        run.HintNames.ShouldBeEmpty();
    }

    [Fact]
    public void ClassLevelError_AddsNoMembers()
    {
        // A static class cannot take instance members: SNN0005 alone, no placeholder that would add CS0708.
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)][Dense(3)]
            public static partial class /*SNN0005*/Net/*end*/;
            """, "SNN0005", DiagnosticSeverity.Error,
            "Network class 'Net' is static; remove 'static', networks are instances holding their weights")
            .Run.ShouldGenerateNoSource().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void WeightFileThatCannotBeBaked_CreatePretrainedStillCompiles()
    {
        OnlyTheseErrors("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy, /*SNN0201*/Weights = "missing.safetensors"/*end*/)]
            [Input(4)]
            [Dense(3, Activation.Softmax)]
            public partial class Net;

            public static class User
            {
                public static int Run() => Net.CreatePretrained().PredictClass(new float[Net.InputSize]);
            }
            """, "SNN0201");
    }

    [Fact]
    public void InvalidDeclarationThatBakesWeights_CreatePretrainedStillCompiles()
    {
        OnlyTheseErrors("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy, Weights = "net.safetensors")]
            [Input(4)]
            [/*SNN0101*/Dense(-3, Activation.Softmax)/*end*/]
            public partial class Net;

            public static class User
            {
                public static int Run() => Net.CreatePretrained().PredictClass(new float[Net.InputSize]);
            }
            """, "SNN0101").ShouldGeneratePlaceholder();
    }

    [Fact]
    public void Placeholder_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            namespace Demo;

            [Network][Input(4)][Dense(0)]
            public partial class BrokenNet;
            """);

        SnapshotAssert.MatchesSources(run.Sources);
    }
}
