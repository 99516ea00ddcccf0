using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using StaticNN.Optimizers;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Layers;

/// <summary>Dropout, BatchNorm, LayerNorm, activation layers, residual blocks and L2, forward and backward.</summary>
public sealed class RegularizationLayerTests
{
    public static IEnumerable<object[]> Networks() =>
    [
        [typeof(DropoutNet)], [typeof(BatchNormNet)], [typeof(BatchNormFirstNet)], [typeof(LayerNormNet)], [typeof(ResidualNet)],
        [typeof(NestedResidualFromInputNet)], [typeof(ActivationLayersNet)], [typeof(L2Net)], [typeof(ChurnNet)],
    ];

    [Theory]
    [MemberData(nameof(Networks))]
    public void TrainingGradient_MatchesFiniteDifferenceWithTheSameDropoutMask(Type network) => Run(nameof(GradientMatches), network);

    [Theory]
    [MemberData(nameof(Networks))]
    public void PredictAndPredictBatch_MatchInferenceReference(Type network) => Run(nameof(InferenceMatches), network);

    internal static void Run(string method, Type network, params object[] arguments) =>
        typeof(RegularizationLayerTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(network).Invoke(null, arguments.Length == 0 ? null : arguments);

    private static T Prepared<T>(int seed) where T : class, ITrainableNetwork<T>, new()
    {
        T net = TestData.Randomized<T>(seed);
        // Running statistics other than 0 / 1, so inference really uses them.
        for (int l = 0; l < T.LayerCount; l++)
        {
            LayerInfo info = T.GetLayerInfo(l);
            if (info.HasRunningStatistics)
            {
                net.SetLayerRunningStatistics(l, TestData.Uniform(info.WeightCount, seed + l, -0.5f, 0.5f), TestData.Uniform(info.WeightCount, seed + 2 * l, 0.5f, 2f));
            }
        }
        return net;
    }

    private static void GradientMatches<T>() where T : class, ITrainableNetwork<T>, new() => GradientMatchesOnSample<T>(int.MaxValue);

    /// <summary>
    /// The training-mode gradient against central differences of the reference with the same dropout masks: every
    /// parameter, or a seeded sample of <paramref name="samples"/> of them for large networks.
    /// </summary>
    internal static void GradientMatchesOnSample<T>(int samples) where T : class, ITrainableNetwork<T>, new()
    {
        T net = Prepared<T>(31);
        const int count = 7;
        float[] inputs = TestData.Uniform(count * T.InputSize, 32, -2f, 2f);
        float[] targets = TestData.Targets<T>(count, 33, out _);
        var gradients = new float[T.ParameterBlockLength];
        gradients.AsSpan().Fill(float.NaN);
        float loss = net.ComputeGradients(inputs, targets, gradients);

        Reference reference = Reference.Of(net);
        // The running statistics were updated by the call; the training-mode loss does not use them.
        for (int l = 0; l < T.LayerCount; l++)
        {
            LayerInfo info = T.GetLayerInfo(l);
            if (info.Kind == LayerKind.Dropout)
            {
                var mask = new float[count * info.OutputSize];
                CopyMask(net, l, mask);
                reference.Masks[l] = mask;
            }
        }
        double expected = reference.MeanLoss(inputs, targets, count, training: true);
        Math.Abs(loss - expected).ShouldBeLessThanOrEqualTo(1e-4 * Math.Max(1, Math.Abs(expected)), $"training loss of {typeof(T).Name}");

        var view = new T();
        gradients.CopyTo(view.Parameters);
        const double h = 1e-5;
        var random = new Random(samples);
        int total = Enumerable.Range(0, T.LayerCount).Sum(l => T.GetLayerInfo(l).WeightCount + T.GetLayerInfo(l).BiasCount);
        double keep = samples >= total ? 1 : (double)samples / total;
        for (int l = 0; l < T.LayerCount; l++)
        {
            LayerInfo info = T.GetLayerInfo(l);
            var w = new float[info.WeightCount];
            var b = new float[info.BiasCount];
            view.GetLayerParameters(l, w, b);
            foreach ((bool bias, int count2) in new[] { (false, info.WeightCount), (true, info.BiasCount) })
            {
                for (int i = 0; i < count2; i++)
                {
                    if (keep < 1 && random.NextDouble() >= keep)
                    {
                        continue;
                    }
                    Reference plus = reference.Clone(), minus = reference.Clone();
                    (bias ? plus.Biases : plus.Weights)[l][i] += h;
                    (bias ? minus.Biases : minus.Weights)[l][i] -= h;
                    double numeric = (plus.MeanLoss(inputs, targets, count) - minus.MeanLoss(inputs, targets, count)) / (2 * h);
                    double analytic = bias ? b[i] : w[i];
                    if (!(Math.Abs(analytic - numeric) <= 1e-2 * Math.Max(1e-3, Math.Max(Math.Abs(analytic), Math.Abs(numeric)))))
                    {
                        throw new ShouldAssertException($"{typeof(T).Name}: d loss / d layers.{l}.{(bias ? "bias" : "weight")}[{i}] = {analytic:R}, finite difference {numeric:R}");
                    }
                }
            }
        }
    }

    /// <summary>CopyLastDropoutMask is generated only on networks with dropout, so it is not on the interface.</summary>
    private static void CopyMask(object network, int layer, Span<float> mask)
    {
        MethodInfo method = network.GetType().GetMethod("CopyLastDropoutMask")
            ?? throw new InvalidOperationException($"{network.GetType().Name} has a Dropout layer but no CopyLastDropoutMask.");
        method.CreateDelegate<MaskCopier>(network)(layer, mask);
    }

    private delegate void MaskCopier(int layer, Span<float> mask);

    internal static void InferenceMatches<T>() where T : class, ITrainableNetwork<T>, new()
    {
        T net = Prepared<T>(41);
        Reference reference = Reference.Of(net);
        const int count = 13;
        float[] inputs = TestData.Uniform(count * T.InputSize, 42, -2f, 2f);
        var batch = new float[count * T.OutputSize];
        net.PredictBatch(inputs, batch);
        double[][] expected = reference.ForwardBatch(inputs, count, training: false, out _);
        var single = new float[T.OutputSize];
        for (int m = 0; m < count; m++)
        {
            net.Predict(inputs.AsSpan(m * T.InputSize, T.InputSize), single);
            ForwardTests.AssertClose(single, expected[m], $"{typeof(T).Name} Predict sample {m}");
            ForwardTests.AssertClose(batch.AsSpan(m * T.OutputSize, T.OutputSize), expected[m], $"{typeof(T).Name} PredictBatch row {m}");
        }
        // ComputeLoss is inference mode: it equals the reference's inference loss.
        float[] targets = TestData.Targets<T>(count, 43, out _);
        double inferenceLoss = reference.MeanLoss(inputs, targets, count, training: false);
        Math.Abs(net.ComputeLoss(inputs, targets) - inferenceLoss).ShouldBeLessThanOrEqualTo(1e-4 * Math.Max(1, Math.Abs(inferenceLoss)));
    }

    [Fact]
    public void BatchNormTraining_NormalisesEachFeatureAndRunningStatisticsConvergeToTheData()
    {
        var net = new BatchNormOnlyNet();
        const int count = 64;
        var random = new Random(5);
        float[] means = Enumerable.Range(0, 33).Select(j => j * 0.1f - 1f).ToArray();
        float[] scales = Enumerable.Range(0, 33).Select(j => 0.5f + j * 0.05f).ToArray();
        float[] Batch()
        {
            var x = new float[count * 33];
            for (int m = 0; m < count; m++)
            for (int j = 0; j < 33; j++)
                x[m * 33 + j] = means[j] + scales[j] * (float)(random.NextDouble() * 2 - 1) * MathF.Sqrt(3); // uniform, variance scale^2
            return x;
        }
        var gradients = new float[BatchNormOnlyNet.ParameterBlockLength];
        var targets = new float[count * 33];
        var outputs = new float[count * 33];
        for (int step = 0; step < 1500; step++)
        {
            net.ComputeGradients(Batch(), targets, gradients);
        }
        net.CopyLastBatchOutputs(outputs);
        for (int j = 0; j < 33; j++)
        {
            double mean = Enumerable.Range(0, count).Average(m => outputs[m * 33 + j]);
            double variance = Enumerable.Range(0, count).Average(m => (outputs[m * 33 + j] - mean) * (outputs[m * 33 + j] - mean));
            Math.Abs(mean).ShouldBeLessThan(1e-5, $"feature {j} mean");
            variance.ShouldBe(1.0, 0.01, $"feature {j} variance (var / (var + 1e-3))");
        }
        var runningMean = new float[33];
        var runningVariance = new float[33];
        net.GetLayerRunningStatistics(0, runningMean, runningVariance);
        for (int j = 0; j < 33; j++)
        {
            // The exponential average of batch means (momentum 0.99, 64 samples) has sd about 0.009 * scale: 5 sd.
            runningMean[j].ShouldBe(means[j], 0.05f * scales[j], $"running mean {j}");
            runningVariance[j].ShouldBe(scales[j] * scales[j] * (count - 1) / count, 0.08f * scales[j] * scales[j], $"running variance {j}");
        }

        // Inference uses the running statistics; weights and statistics round-trip through a weight file.
        float[] sample = Batch().AsSpan(0, 33).ToArray();
        var y = new float[33];
        net.Predict(sample, y);
        for (int j = 0; j < 33; j++)
        {
            y[j].ShouldBe((sample[j] - runningMean[j]) / MathF.Sqrt(runningVariance[j] + 1e-3f), 1e-4f);
        }
        using var stream = new MemoryStream();
        net.Save(stream);
        stream.Position = 0;
        var loaded = new BatchNormOnlyNet();
        loaded.Load(stream);
        var loadedMean = new float[33];
        var loadedVariance = new float[33];
        loaded.GetLayerRunningStatistics(0, loadedMean, loadedVariance);
        loadedMean.ShouldBe(runningMean);
        loadedVariance.ShouldBe(runningVariance);
        var y2 = new float[33];
        loaded.Predict(sample, y2);
        y2.ShouldBe(y);
    }

    [Fact]
    public void Dropout_IsIdentityInInferenceAndDropsTheRateInTrainingDeterministically()
    {
        float[] x = TestData.Uniform(4 * 1000, 1, 0.5f, 1.5f);
        var net = new DropoutOnlyNet(seed: 3);
        var y = new float[1000];
        net.Predict(x.AsSpan(0, 1000), y);
        y.ShouldBe(x.AsSpan(0, 1000).ToArray());
        net.ComputeLoss(x, new float[4000]).ShouldBe((float)x.Average(v => (double)v * v), 1e-4f); // inference: no dropout

        var gradients = new float[DropoutOnlyNet.ParameterBlockLength];
        net.ComputeGradients(x, new float[4000], gradients);
        var outputs = new float[4000];
        net.CopyLastBatchOutputs(outputs);
        int dropped = outputs.Count(v => v == 0f);
        // Binomial(4000, 0.3): mean 1200, sd 29; 5 sd either way.
        dropped.ShouldBeInRange(1055, 1345);
        for (int i = 0; i < 4000; i++)
        {
            if (outputs[i] != 0f) outputs[i].ShouldBe(x[i] / 0.7f, 1e-5f);
        }

        var mask = new float[4000];
        net.CopyLastDropoutMask(0, mask);
        var again = new DropoutOnlyNet(seed: 3);
        again.ComputeGradients(x, new float[4000], gradients);
        var mask2 = new float[4000];
        again.CopyLastDropoutMask(0, mask2);
        mask2.ShouldBe(mask);
        var other = new DropoutOnlyNet(seed: 4);
        other.ComputeGradients(x, new float[4000], gradients);
        other.CopyLastDropoutMask(0, mask2);
        mask2.ShouldNotBe(mask);
    }

    [Fact]
    public void LayerInfoAndParameters_DescribeTheNewLayers()
    {
        ChurnNet.LayerCount.ShouldBe(6);
        ChurnNet.GetLayerInfo(0).L2.ShouldBe(0.01f);
        var vector = new TensorShape(1, 64);
        ChurnNet.GetLayerInfo(1).ShouldBe(new LayerInfo(LayerKind.Dropout, 64, 64, false, Activation.Identity, 0f) { Rate = 0.2f, InputShape = vector, OutputShape = vector });
        ChurnNet.GetLayerInfo(2).ShouldBe(new LayerInfo(LayerKind.BatchNorm, 64, 64, true, Activation.Identity, 0f)
        {
            Momentum = 0.99f, Epsilon = 1e-3f, InputShape = vector, OutputShape = vector, WeightCount = 64, BiasCount = 64,
        });
        ChurnNet.Tensors.Where(t => t.Layer == 2).Select(t => (t.Suffix, t.IsRunningStatistic)).ShouldBe(
            [("weight", false), ("bias", false), ("running_mean", true), ("running_var", true)]);
        ChurnNet.ParameterCount.ShouldBe(20 * 64 + 64 + 2 * 64 + 64 * 32 + 32 + 32 + 1);
        ResidualNet.GetLayerInfo(4).ResidualSource.ShouldBe(0);
        NestedResidualFromInputNet.GetLayerInfo(2).ResidualSource.ShouldBe(0);
        NestedResidualFromInputNet.GetLayerInfo(3).ResidualSource.ShouldBe(-1);

        var net = new ChurnNet(seed: 1);
        var scale = new float[64];
        var shift = new float[64];
        net.GetLayerParameters(2, scale, shift);
        scale.ShouldAllBe(v => v == 1f);
        shift.ShouldAllBe(v => v == 0f);
        Should.Throw<ArgumentException>(() => net.GetLayerParameters(1, new float[1], Array.Empty<float>())).ParamName.ShouldBe("weight");
        Should.Throw<ArgumentException>(() => net.GetLayerRunningStatistics(1, new float[64], new float[64])).Message.ShouldContain("not a BatchNorm layer");
    }

    [Fact]
    public void ChurnNet_TrainsAndAllocatesNothingPerStep()
    {
        var net = new ChurnNet(seed: 2);
        const int count = 32;
        float[] inputs = TestData.Uniform(count * 20, 7);
        int[] labels = Enumerable.Range(0, count).Select(i => inputs[i * 20] > 0 ? 1 : 0).ToArray();
        var gradients = new float[ChurnNet.ParameterBlockLength];
        var adam = new Adam(0.01f);
        var outputs = new float[count];
        float first = net.ComputeLoss(inputs, labels);
        AllocationAssert.NoneAfterWarmUp(() =>
        {
            net.ComputeGradients(inputs, labels, gradients);
            adam.Step(net.Parameters, gradients);
            net.Predict(inputs.AsSpan(0, 20), outputs.AsSpan(0, 1));
            net.PredictBatch(inputs, outputs);
        });
        net.ComputeLoss(inputs, labels).ShouldBeLessThan(first * 0.5f);
    }
}
