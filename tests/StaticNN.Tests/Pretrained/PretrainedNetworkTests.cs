using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;

namespace StaticNN.Tests.Pretrained;

/// <summary>
/// Weights baked at build time ([Network(Weights = ...)]): CreatePretrained() gives exactly the network that loading
/// the same file at run time gives, and that network computes what PyTorch computed with those weights.
/// </summary>
public sealed class PretrainedNetworkTests
{
    /// <summary>PyTorch 1.13's outputs for these inputs (make_pretrained_files.py), float32.</summary>
    public static readonly TheoryData<float[], float[]> SequentialCases = new()
    {
        { new float[] { -0.5231616497039795f, -0.342002272605896f, 0.8502498865127563f, 0.884130597114563f }, new float[] { 0.172301024f, 0.376885682f, 0.450813264f } },
        { new float[] { 0.8083748817443848f, 0.2867891788482666f, 0.2150362730026245f, 0.6565947532653809f }, new float[] { 0.26189363f, 0.375771612f, 0.362334728f } },
        { new float[] { -0.7063086032867432f, -0.3223738670349121f, -0.26182234287261963f, -0.18772149085998535f }, new float[] { 0.238530323f, 0.372278959f, 0.389190704f } },
        { new float[] { -0.9435524940490723f, 0.5393151044845581f, -0.25377702713012695f, -0.10493385791778564f }, new float[] { 0.248004973f, 0.357596368f, 0.39439863f } },
    };

    public static readonly TheoryData<float[], float[]> NormalizedCases = new()
    {
        { new float[] { -0.1570357084274292f, -0.2339242696762085f, -0.09654462337493896f, 0.22816860675811768f, -0.7080104351043701f }, new float[] { 0.308005661f, 0.435898572f, 0.784657598f, -0.258080065f, -0.348838031f, 0.470988631f, -0.494468063f, 0.141870469f, 0.00201964099f } },
        { new float[] { -0.9496022462844849f, 0.6002635955810547f, 0.4997069835662842f, -0.9756813049316406f, 0.6695946455001831f }, new float[] { -0.058675345f, -0.0592430532f, -0.609418094f, 0.689325809f, 0.0490189567f, -0.582926691f, -0.583267272f, 0.900013745f, 0.707306802f } },
        { new float[] { -0.8376840353012085f, -0.1509796380996704f, -0.8517338037490845f, -0.47785162925720215f, 0.703665018081665f }, new float[] { -0.322326303f, -0.630456269f, 0.174798131f, 0.485301226f, -0.819528937f, -0.0448735394f, -0.113725834f, 0.829470992f, -0.0510710478f } },
    };

    public static readonly TheoryData<float[], float[]> CanonicalCases = new()
    {
        { new float[] { 0.812617301940918f, -0.7925939559936523f, -0.3295588493347168f, -0.6833783388137817f, 0.9584122896194458f, 0.008126258850097656f, 0.9918042421340942f, 0.3111642599105835f, 0.21402108669281006f, 0.1086738109588623f, 0.40635979175567627f, -0.31109166145324707f, -0.7095462083816528f, 0.9612442255020142f, -0.197973370552063f, 0.6706362962722778f, 0.49928200244903564f, 0.8998551368713379f, 0.25887906551361084f, -0.47290992736816406f, 0.2734205722808838f, -0.4166821241378784f, 0.16455531120300293f, 0.7325654029846191f, -0.47296297550201416f, 0.6291714906692505f, 0.19055485725402832f, -0.15933871269226074f, -0.44350898265838623f, -0.24752366542816162f, -0.9162501096725464f, 0.6447702646255493f, -0.15898418426513672f }, new float[] { 0.452378869f } },
        { new float[] { 0.018554210662841797f, -0.8560718297958374f, -0.6186432838439941f, 0.9340745210647583f, 0.7992749214172363f, -0.19848394393920898f, -0.7292308807373047f, 0.34892451763153076f, 0.36502039432525635f, -0.8688980340957642f, 0.31047630310058594f, -0.7994613647460938f, -0.04244530200958252f, -0.8403275012969971f, 0.9547379016876221f, -0.7137856483459473f, 0.9589134454727173f, -0.4007241725921631f, -0.34222865104675293f, -0.18074679374694824f, 0.2148057222366333f, -0.9081202745437622f, -0.6192847490310669f, -0.7215579748153687f, -0.7003724575042725f, -0.8604792356491089f, 0.054045677185058594f, 0.37882697582244873f, 0.6177983283996582f, 0.5483245849609375f, 0.19406890869140625f, -0.7967621088027954f, -0.9526344537734985f }, new float[] { 0.441599399f } },
    };

    [Theory]
    [MemberData(nameof(SequentialCases))]
    public void SequentialNames_PredictWhatPyTorchPredicted(float[] input, float[] expected) =>
        Predicts(SequentialNet.CreatePretrained(), input, expected);

    [Theory]
    [MemberData(nameof(NormalizedCases))]
    public void BatchNormRunningStatisticsAndLayerNorm_PredictWhatPyTorchPredicted(float[] input, float[] expected) =>
        Predicts(NormalizedNet.CreatePretrained(), input, expected);

    [Theory]
    [MemberData(nameof(CanonicalCases))]
    public void CanonicalNames_PredictWhatPyTorchPredicted(float[] input, float[] expected) =>
        Predicts(CanonicalNet.CreatePretrained(), input, expected);

    [Fact]
    public void Convolution2D_PredictsWhatPyTorchPredicted() =>
        PredictsCases(ConvPretrainedNet.CreatePretrained(), "conv.safetensors");

    [Fact]
    public void Convolution1D_PredictsWhatPyTorchPredicted() =>
        PredictsCases(Conv1DPretrainedNet.CreatePretrained(), "conv1d.safetensors");

    [Fact]
    public void ConvolutionWeightsLoadedAtRunTime_PredictWhatPyTorchPredicted()
    {
        var network = new ConvPretrainedNet(seed: 3);
        network.Load(Path.Combine(AppContext.BaseDirectory, "Pretrained", "conv.safetensors"));
        PredictsCases(network, "conv.safetensors");
    }

    /// <summary>Cases/{file}: the inputs PyTorch was given and its outputs (make_pretrained_files.py, save_cases).</summary>
    private static void PredictsCases<T>(T network, string file) where T : class, ITrainableNetwork<T>
    {
        SafeTensorsFile cases = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Pretrained", "Cases", file));
        float[] inputs = cases["inputs"].ToSingleArray(), outputs = cases["outputs"].ToSingleArray();
        int count = inputs.Length / T.InputSize;
        count.ShouldBeGreaterThan(0);
        outputs.Length.ShouldBe(count * T.OutputSize);
        var predicted = new float[count * T.OutputSize];
        network.PredictBatch(inputs, predicted);
        var single = new float[T.OutputSize];
        for (int m = 0; m < count; m++)
        {
            network.Predict(inputs.AsSpan(m * T.InputSize, T.InputSize), single);
            for (int j = 0; j < T.OutputSize; j++)
            {
                float expected = outputs[m * T.OutputSize + j];
                Math.Abs(single[j] - expected).ShouldBeLessThanOrEqualTo(1e-5f * Math.Max(1f, Math.Abs(expected)), $"{typeof(T).Name} case {m} output {j}");
                Math.Abs(predicted[m * T.OutputSize + j] - expected).ShouldBeLessThanOrEqualTo(1e-5f * Math.Max(1f, Math.Abs(expected)), $"{typeof(T).Name} batch case {m} output {j}");
            }
        }
    }

    [Fact]
    public void CreatePretrained_EqualsLoadingTheFileAtRunTime()
    {
        SameAsLoaded(SequentialNet.CreatePretrained(), new SequentialNet(seed: 5), "sequential.safetensors");
        SameAsLoaded(NormalizedNet.CreatePretrained(), new NormalizedNet(seed: 5), "normalized.safetensors");
        SameAsLoaded(CanonicalNet.CreatePretrained(), new CanonicalNet(seed: 5), "canonical.safetensors");
        SameAsLoaded(ConvPretrainedNet.CreatePretrained(), new ConvPretrainedNet(seed: 5), "conv.safetensors");
        SameAsLoaded(Conv1DPretrainedNet.CreatePretrained(), new Conv1DPretrainedNet(seed: 5), "conv1d.safetensors");
    }

    [Fact]
    public void CreatePretrained_ReturnsIndependentInstances()
    {
        SequentialNet first = SequentialNet.CreatePretrained();
        float[] baked = first.Parameters.ToArray();
        first.Parameters.Fill(0.5f); // e.g. fine-tuning one instance

        SequentialNet second = SequentialNet.CreatePretrained();
        second.Parameters.ToArray().ShouldBe(baked);
        ReferenceEquals(first, second).ShouldBeFalse();
    }

    [Fact]
    public void CreatePretrained_NetworkTrainsFurther()
    {
        SequentialNet network = SequentialNet.CreatePretrained();
        float[] inputs = TestData.Uniform(4 * 8, seed: 2);
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        float before = network.ComputeLoss(inputs, labels);
        var gradients = new float[SequentialNet.ParameterBlockLength];
        var sgd = new StaticNN.Optimizers.Sgd(learningRate: 0.1f);
        for (int step = 0; step < 50; step++)
        {
            network.ComputeGradients(inputs, labels, gradients);
            sgd.Step(network.Parameters, gradients);
        }
        network.ComputeLoss(inputs, labels).ShouldBeLessThan(before * 0.8f);
    }

    private static void Predicts<T>(T network, float[] input, float[] expected) where T : class, ITrainableNetwork<T>
    {
        var output = new float[expected.Length];
        network.Predict(input, output);
        for (int i = 0; i < expected.Length; i++)
        {
            // PyTorch and StaticNN sum in different orders, and StaticNN's exp/tanh are within a few ulp of Math's.
            output[i].ShouldBe(expected[i], 2e-6f + 2e-6f * Math.Abs(expected[i]), $"output {i}");
        }
    }

    private static void SameAsLoaded<T>(T baked, T loaded, string file) where T : class, ITrainableNetwork<T>
    {
        loaded.Load(Path.Combine(AppContext.BaseDirectory, "Pretrained", file));
        baked.Parameters.ToArray().ShouldBe(loaded.Parameters.ToArray(), $"{typeof(T).Name}: parameter block");
        for (int layer = 0; layer < T.LayerCount; layer++)
        {
            LayerInfo info = T.GetLayerInfo(layer);
            if (info.HasRunningStatistics)
            {
                var (bakedMean, bakedVariance) = (new float[info.WeightCount], new float[info.WeightCount]);
                var (loadedMean, loadedVariance) = (new float[info.WeightCount], new float[info.WeightCount]);
                baked.GetLayerRunningStatistics(layer, bakedMean, bakedVariance);
                loaded.GetLayerRunningStatistics(layer, loadedMean, loadedVariance);
                bakedMean.ShouldBe(loadedMean);
                bakedVariance.ShouldBe(loadedVariance);
                bakedVariance.ShouldNotBe(Enumerable.Repeat(1f, info.WeightCount).ToArray(), "the file's statistics, not the defaults");
            }
        }
        float[] inputs = TestData.Uniform(T.InputSize * 7, seed: 11, -2f, 2f);
        var expected = new float[T.OutputSize * 7];
        var actual = new float[T.OutputSize * 7];
        loaded.PredictBatch(inputs, expected);
        baked.PredictBatch(inputs, actual);
        actual.ShouldBe(expected);
    }
}
