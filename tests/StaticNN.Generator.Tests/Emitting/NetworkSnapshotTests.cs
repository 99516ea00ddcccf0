using System.Linq;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Emitting;

/// <summary>
/// Snapshots of every file generated for a few small networks (Snapshots/NetworkSnapshotTests.*). A change in the
/// emitter shows up here as a diff to review; accept it with SNN_ACCEPT_SNAPSHOTS=1.
/// </summary>
public sealed class NetworkSnapshotTests
{
    [Fact]
    public void IrisShapeSoftmaxCrossEntropy_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [Dense(10, Activation.ReLU)]
            [Dense(3, Activation.Softmax)]
            public partial class IrisNet;
            """).ShouldCompileWithoutWarnings();

        run.HintNames.ShouldBe(new[]
        {
            "IrisNet.g.cs", "IrisNet.Kernels.g.cs", "IrisNet.Kernels.Vector512.g.cs",
            "IrisNet.Kernels.Vector256.g.cs", "IrisNet.Kernels.Vector128.g.cs", "IrisNet.Kernels.Scalar.g.cs",
        });
        SnapshotAssert.MatchesSources(run.Sources);
    }

    [Fact]
    public void RegularizationLayersChurnNet_MatchesSnapshot()
    {
        // The "best practices" network: L2, dropout, batch normalization. The API file holds every new step;
        // the dense kernels are those of the other snapshots, so only the Vector512 file is kept of them.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.BinaryCrossEntropy)]
            [Input(20)]
            [Dense(64, Activation.ReLU, L2 = 0.01f)]
            [Dropout(0.2f)]
            [BatchNorm]
            [Dense(32, Activation.ReLU)]
            [Dropout(0.2f)]
            [Dense(1, Activation.Sigmoid)]
            public partial class ChurnNet;
            """).ShouldCompileWithoutWarnings();

        SnapshotAssert.MatchesSources(run.Sources
            .Where(s => s.Key is "ChurnNet.g.cs" or "ChurnNet.Kernels.Vector512.g.cs")
            .ToDictionary(s => s.Key, s => s.Value));
    }

    [Fact]
    public void ResidualLayerNormActivationLayers_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(8)]
            [ResidualBegin]
            [Dense(8, Activation.Tanh)]
            [LayerNorm]
            [ResidualEnd]
            [Dense(3)]
            [Activation(Activation.Softmax)]
            public partial class BlockNet;
            """).ShouldCompileWithoutWarnings();

        SnapshotAssert.MatchesSources(run.Sources.Where(s => s.Key == "BlockNet.g.cs").ToDictionary(s => s.Key, s => s.Value));
    }

    [Fact]
    public void SigmoidBinaryCrossEntropyWithTailSizes_MatchesSnapshot()
    {
        // 7 inputs and 9 hidden units: reductions that are not multiples of the accumulator split; one output.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.BinaryCrossEntropy)]
            [Input(7)]
            [Dense(9, Activation.Tanh)]
            [Dense(1, Activation.Sigmoid)]
            public partial class BinaryNet;
            """).ShouldCompileWithoutWarnings();

        SnapshotAssert.MatchesSources(run.Sources);
    }

    [Fact]
    public void LeakyReLUWithAlphaWithoutBiasMeanSquaredError_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(5)]
            [Dense(17, Activation.LeakyReLU, Alpha = 0.2f, UseBias = false)]
            [Dense(2)]
            public partial class RegressionNet;
            """).ShouldCompileWithoutWarnings();

        SnapshotAssert.MatchesSources(run.Sources);
    }

    [Fact]
    public void NestedInNamespaceAndContainingClass_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            namespace Demo.Models;

            public static partial class Zoo
            {
                [Network(Loss = Loss.MeanAbsoluteError)]
                [Input(3)]
                [Dense(4, Activation.ELU)]
                [Dense(2, Activation.GELU)]
                internal sealed partial class Regressor;
            }
            """).ShouldCompileWithoutWarnings();

        run.HintNames.ShouldBe(new[]
        {
            "Demo.Models.Zoo.Regressor.g.cs", "Demo.Models.Zoo.Regressor.Kernels.g.cs",
            "Demo.Models.Zoo.Regressor.Kernels.Vector512.g.cs", "Demo.Models.Zoo.Regressor.Kernels.Vector256.g.cs",
            "Demo.Models.Zoo.Regressor.Kernels.Vector128.g.cs", "Demo.Models.Zoo.Regressor.Kernels.Scalar.g.cs",
        });
        SnapshotAssert.MatchesSources(run.Sources);
    }

    [Fact]
    public void AllowUnsafe_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            namespace Demo;

            [Network]
            [Input(2)]
            [Dense(3, Activation.SiLU)]
            [Dense(2, Activation.Softplus)]
            public partial class UnsafeNet;
            """, HarnessOptions.Default with { AllowUnsafe = true }).ShouldCompileWithoutWarnings();

        SnapshotAssert.MatchesSources(run.Sources);
    }

    [Fact]
    public void ConvolutionPoolingFlatten_MatchesSnapshot()
    {
        // 2 channels, 9 filters (a vector tail), Same padding with stride 2, a 2x1 max pool (stride 2x1 by default), a
        // rectangular kernel, and Flatten into Dense: the API file, the dispatch file and two kernel files.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(2, 7, 7)]
            [Conv2D(9, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same)]
            [MaxPool2D(2, 1)]
            [Conv2D(17, 1, 2, Activation.Tanh)]
            [Flatten]
            [Dense(3, Activation.Softmax)]
            public partial class TinyCnn;
            """).ShouldCompileWithoutWarnings();

        SnapshotAssert.MatchesSources(run.Sources
            .Where(s => s.Key is "TinyCnn.g.cs" or "TinyCnn.Kernels.g.cs" or "TinyCnn.Kernels.Vector512.g.cs" or "TinyCnn.Kernels.Scalar.g.cs")
            .ToDictionary(s => s.Key, s => s.Value));
    }
}
