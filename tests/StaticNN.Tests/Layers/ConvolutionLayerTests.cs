using System;
using System.Collections.Generic;
using System.Linq;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Layers;

/// <summary>
/// Conv2D, Conv1D, pooling, global pooling, Flatten, and BatchNorm, Dropout and residual blocks on spatial shapes:
/// generated forward passes against the double-precision reference (Reference.Convolve is the textbook sum over the
/// window), training gradients against central differences, shapes and tensors as PyTorch has them.
/// </summary>
public sealed class ConvolutionLayerTests
{
    public static IEnumerable<object[]> Small() =>
    [
        [typeof(ConvOnePixelNet)], [typeof(ConvValid5x7Net)], [typeof(ConvSameStride2Net)], [typeof(ConvRectangularNet)],
        [typeof(ConvPoolChainNet)], [typeof(ConvChannelTailsNet)], [typeof(Conv1DNet)], [typeof(Conv1DGlobalPoolNet)],
        [typeof(ConvBatchNormDropoutNet)], [typeof(ConvResidualNet)], [typeof(FlattenMatrixNet)], [typeof(ConvMatrixInputNet)],
        [typeof(ConvAfterInputDropoutNet)], [typeof(PoolFirstNet)], [typeof(Conv1DMatrixDropoutNet)],
    ];

    public static IEnumerable<object[]> All() => [.. Small(), [typeof(FashionCnnNet)], [typeof(LeNetNet)], [typeof(ThreadScratchNet)]];

    [Theory]
    [MemberData(nameof(All))]
    public void Predict_MatchesDoubleReference(Type network) => ForwardTests.Run("PredictMatches", network);

    [Theory]
    [MemberData(nameof(Small))]
    public void PredictBatch_MatchesDoubleReferenceForEveryBlockRemainder(Type network) => ForwardTests.Run("PredictBatchMatches", network);

    [Theory]
    [MemberData(nameof(All))]
    public void InferenceModePasses_MatchReference(Type network) => RegularizationLayerTests.Run("InferenceMatches", network);

    [Theory]
    [MemberData(nameof(Small))]
    public void TrainingGradient_MatchesFiniteDifferenceOnEveryParameterOrASeededSampleOf1200(Type network) =>
        RegularizationLayerTests.Run("GradientMatchesOnSample", network, 1_200);

    [Theory]
    [InlineData(typeof(FashionCnnNet), 120)]
    [InlineData(typeof(LeNetNet), 250)]
    [InlineData(typeof(ThreadScratchNet), 120)]
    public void TrainingGradient_MatchesFiniteDifferenceOnSeededSample(Type network, int samples) =>
        RegularizationLayerTests.Run("GradientMatchesOnSample", network, samples);

    [Fact]
    public void PredictOnManyThreads_WithTheThreadScratchBuffer_GivesEachThreadItsOwnAnswers()
    {
        var net = TestData.Randomized<ThreadScratchNet>(seed: 8);
        float[][] inputs = Enumerable.Range(0, 8).Select(i => TestData.Uniform(ThreadScratchNet.InputSize, 60 + i)).ToArray();
        float[][] expected = inputs.Select(x => { var y = new float[4]; net.Predict(x, y); return y; }).ToArray();
        System.Threading.Tasks.Parallel.For(0, 400, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var y = new float[4];
            net.Predict(inputs[i % 8], y);
            y.ShouldBe(expected[i % 8]);
        });
    }

    [Fact]
    public void Shapes_AreComputedAtCompileTimeAsKerasSummaryShowsThem()
    {
        FashionCnnNet.InputShape.ShouldBe(new TensorShape(3, 1, 28, 28));
        FashionCnnNet.InputSize.ShouldBe(784);
        Enumerable.Range(0, FashionCnnNet.LayerCount).Select(l => FashionCnnNet.GetLayerInfo(l).OutputShape.ToString()).ShouldBe(
            ["(32, 26, 26)", "(32, 13, 13)", "(64, 11, 11)", "(64, 5, 5)", "(1600)", "(128)", "(128)", "(10)"]);
        FashionCnnNet.OutputShape.ShouldBe(new TensorShape(1, 10));
        // Keras' model.summary() counts 320 + 18,496 + 204,928 + 1,290 parameters for this network.
        FashionCnnNet.ParameterCount.ShouldBe(320 + 18_496 + 204_928 + 1_290);
        ConvSameStride2Net.GetLayerInfo(0).OutputShape.ShouldBe(new TensorShape(3, 8, 3, 4)); // ceil(5 / 2), ceil(7 / 2)
        ConvSameStride2Net.GetLayerInfo(1).OutputShape.ShouldBe(new TensorShape(3, 17, 3, 4));
        ConvRectangularNet.GetLayerInfo(1).OutputShape.ShouldBe(new TensorShape(3, 16, 1, 2)); // a 2x1 pool steps 2 rows, 1 column
        Conv1DNet.GetLayerInfo(0).OutputShape.ShouldBe(new TensorShape(2, 7, 15));
        Conv1DNet.GetLayerInfo(2).OutputShape.ShouldBe(new TensorShape(2, 9, 4));
        ConvMatrixInputNet.InputShape.ShouldBe(new TensorShape(3, 1, 6, 6)); // [Input(6, 6)] read by Conv2D: one channel
        Conv1DMatrixDropoutNet.InputShape.ShouldBe(new TensorShape(2, 2, 12)); // read by Conv1D: (channels, length)
        FlattenMatrixNet.InputShape.ShouldBe(new TensorShape(2, 4, 7));
    }

    [Fact]
    public void ConvolutionTensors_HavePyTorchsNamesAndShapes()
    {
        FashionCnnNet.Tensors.Select(t => t.ToString()).ShouldBe([
            "layers.0.weight [32, 1, 3, 3]", "layers.0.bias [32]", "layers.2.weight [64, 32, 3, 3]", "layers.2.bias [64]",
            "layers.5.weight [128, 1600]", "layers.5.bias [128]", "layers.7.weight [10, 128]", "layers.7.bias [10]"]);
        Conv1DNet.Tensors[0].ToString().ShouldBe("layers.0.weight [7, 3, 3]");
        ConvBatchNormDropoutNet.Tensors.Where(t => t.Layer == 1).Select(t => t.ToString()).ShouldBe(
            ["layers.1.weight [9]", "layers.1.bias [9]", "layers.1.running_mean [9]", "layers.1.running_var [9]"]);
        LayerInfo conv = ConvSameStride2Net.GetLayerInfo(0);
        (conv.KernelHeight, conv.KernelWidth, conv.Stride, conv.StrideHeight, conv.Padding).ShouldBe((3, 3, 2, 2, Padding.Same));
        (conv.WeightCount, conv.BiasCount).ShouldBe((8 * 2 * 3 * 3, 8));
    }

    [Fact]
    public void ConvolutionWeights_RoundTripThroughTheLogicalLayoutAndLeavePaddingZero()
    {
        var net = new ConvChannelTailsNet(seed: 3);
        float[] weight = TestData.Uniform(16 * 9 * 3 * 3, 4);
        net.SetLayerParameters(0, weight, new float[16]);
        var back = new float[weight.Length];
        net.GetLayerParameters(0, back, new float[16]);
        back.ShouldBe(weight);
        // Layer 2 has 7 filters padded to 16: the kernel layout's padding lanes stay zero.
        var marker = new ConvChannelTailsNet();
        marker.Parameters.Clear();
        marker.SetLayerParameters(2, Enumerable.Repeat(1f, 7 * 16 * 2 * 2).ToArray(), []);
        marker.Parameters.ToArray().Count(v => v == 1f).ShouldBe(7 * 16 * 2 * 2);
    }

    [Fact]
    public void SeededInitialisation_UsesTheWindowInTheFanIn()
    {
        // He uniform over fan-in 1 x 3 x 3 = 9: |w| <= sqrt(6 / 9).
        var weight = new float[32 * 9];
        new FashionCnnNet(seed: 1).GetLayerParameters(0, weight, new float[32]);
        weight.Max(Math.Abs).ShouldBeLessThanOrEqualTo(MathF.Sqrt(6f / 9f));
        weight.Max(Math.Abs).ShouldBeGreaterThan(0.7f * MathF.Sqrt(6f / 9f));
    }

    [Fact]
    public void DropoutMaskOnSpatialShape_IsCopiedOutChannelsFirst()
    {
        var net = TestData.Randomized<ConvBatchNormDropoutNet>(seed: 2);
        const int count = 3;
        float[] inputs = TestData.Uniform(count * ConvBatchNormDropoutNet.InputSize, 5);
        net.ComputeGradients(inputs, TestData.Targets<ConvBatchNormDropoutNet>(count, 6, out _), new float[ConvBatchNormDropoutNet.ParameterBlockLength]);
        var mask = new float[count * 9 * 4 * 4];
        net.CopyLastDropoutMask(3, mask);
        mask.Distinct().OrderBy(v => v).ShouldBe([0f, 1f / 0.7f]);
        mask.Count(v => v == 0f).ShouldBeInRange(mask.Length / 10, mask.Length / 2);
    }
}
