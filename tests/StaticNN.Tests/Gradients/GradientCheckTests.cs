using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Gradients;

/// <summary>
/// ComputeGradients against central finite differences (step 1e-5) of the double-precision reference loss, accepted
/// by <see cref="Accept"/>; every parameter of the small networks, a seeded sample of 300 for the large ones.
/// </summary>
public sealed class GradientCheckTests
{
    private const double Step = 1e-5;

    public static IEnumerable<object[]> ActivationByLoss() => GradientNetworks.All();

    public static IEnumerable<object[]> Sizes() =>
    [
        [typeof(Size1)], [typeof(Size3x7)], [typeof(Size8x9)], [typeof(Size15x16)], [typeof(Size17x33)], [typeof(Size33x64)],
        [typeof(Size64x127)], [typeof(Size127x784)], [typeof(Size784x128)], [typeof(Size784x128x64)], [typeof(Wide16x300)],
        [typeof(NoBias)], [typeof(RecordNet)],
    ];

    [Theory]
    [MemberData(nameof(ActivationByLoss))]
    public void EveryActivationAndLoss_GradientMatchesFiniteDifference(Type network) => Run(network, count: 7, samples: int.MaxValue);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TailSizes_GradientMatchesFiniteDifferenceOnSeededSample(Type network) => Run(network, count: 13, samples: 300);

    [Theory]
    [MemberData(nameof(ActivationByLoss))]
    public void LabelOverload_EqualsOneHotTargets(Type network) =>
        typeof(GradientCheckTests).GetMethod(nameof(LabelsMatch), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(network).Invoke(null, null);

    private static void Run(Type network, int count, int samples) =>
        typeof(GradientCheckTests).GetMethod(nameof(Check), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(network).Invoke(null, [count, samples]);

    private static void Check<T>(int count, int samples) where T : class, ITrainableNetwork<T>, new()
    {
        T net = TestData.Randomized<T>(seed: 11);
        float[] inputs = TestData.Uniform(count * T.InputSize, 12, -2f, 2f);
        float[] targets = TestData.Targets<T>(count, 13, out _);
        var gradients = new float[T.ParameterBlockLength];
        gradients.AsSpan().Fill(float.NaN); // every element must be written

        float loss = net.ComputeGradients(inputs, targets, gradients);
        Reference reference = Reference.Of(net);
        double expectedLoss = reference.MeanLoss(inputs, targets, count);
        Math.Abs(loss - expectedLoss).ShouldBeLessThanOrEqualTo(1e-4 * Math.Max(1, Math.Abs(expectedLoss)), $"loss of {typeof(T).Name}");
        net.ComputeLoss(inputs, targets).ShouldBe(loss, $"ComputeLoss of {typeof(T).Name}");

        // Map the gradient block to the logical layout through a second instance.
        var view = new T();
        gradients.CopyTo(view.Parameters);
        AssertPaddingIsZero<T>(gradients);

        var random = new Random(5);
        var candidates = new List<(int Layer, bool Bias, int Index)>();
        for (int l = 0; l < T.LayerCount; l++)
        {
            LayerInfo info = T.GetLayerInfo(l);
            candidates.AddRange(Enumerable.Range(0, info.WeightCount).Select(i => (l, false, i)));
            candidates.AddRange(Enumerable.Range(0, info.BiasCount).Select(i => (l, true, i)));
        }
        IEnumerable<(int Layer, bool Bias, int Index)> chosen = candidates.Count <= samples
            ? candidates
            : candidates.OrderBy(_ => random.Next()).Take(samples);

        int checkedCount = 0;
        foreach ((int layer, bool bias, int index) in chosen)
        {
            LayerInfo info = T.GetLayerInfo(layer);
            var w = new float[info.WeightCount];
            var b = new float[info.BiasCount];
            view.GetLayerParameters(layer, w, b);
            double analytic = bias ? b[index] : w[index];

            Reference plus = reference.Clone(), minus = reference.Clone();
            (bias ? plus.Biases : plus.Weights)[layer][index] += Step;
            (bias ? minus.Biases : minus.Weights)[layer][index] -= Step;
            double numeric = (plus.MeanLoss(inputs, targets, count) - minus.MeanLoss(inputs, targets, count)) / (2 * Step);
            if (!Accept(analytic, numeric))
            {
                throw new ShouldAssertException(
                    $"{typeof(T).Name}: d loss / d layers.{layer}.{(bias ? "bias" : "weight")}[{index}] = {analytic:R} but finite difference gives {numeric:R}");
            }
            checkedCount++;
        }
        checkedCount.ShouldBeGreaterThan(0);
    }

    /// <summary>|g - g_fd| &lt;= 1e-2 * max(1e-3, |g|, |g_fd|): the float analytic gradient against the double central difference.</summary>
    private static bool Accept(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) <= 1e-2 * Math.Max(1e-3, Math.Max(Math.Abs(analytic), Math.Abs(numeric)));

    private static void AssertPaddingIsZero<T>(float[] gradients) where T : class, ITrainableNetwork<T>, new()
    {
        // Logical parameters set to 1 mark the used slots; everything else in the block is padding.
        var marker = new T();
        marker.Parameters.Clear();
        for (int l = 0; l < T.LayerCount; l++)
        {
            LayerInfo info = T.GetLayerInfo(l);
            marker.SetLayerParameters(l, Enumerable.Repeat(1f, info.WeightCount).ToArray(), Enumerable.Repeat(1f, info.BiasCount).ToArray());
        }
        Span<float> used = marker.Parameters;
        for (int i = 0; i < gradients.Length; i++)
        {
            if (used[i] == 0f && gradients[i] != 0f)
            {
                throw new ShouldAssertException($"{typeof(T).Name}: padding gradient at block index {i} is {gradients[i]}, expected 0");
            }
        }
    }

    private static void LabelsMatch<T>() where T : class, ITrainableNetwork<T>, new()
    {
        // Labels mean one-hot targets for every loss (the label itself for a single output).
        T net = TestData.Randomized<T>(seed: 21);
        const int count = 9;
        float[] inputs = TestData.Uniform(count * T.InputSize, 22);
        var random = new Random(23);
        int[] labels = Enumerable.Range(0, count).Select(_ => random.Next(T.OutputSize == 1 ? 2 : T.OutputSize)).ToArray();
        var oneHot = new float[count * T.OutputSize];
        for (int m = 0; m < count; m++)
        {
            if (T.OutputSize == 1) oneHot[m] = labels[m];
            else oneHot[m * T.OutputSize + labels[m]] = 1f;
        }
        var g1 = new float[T.ParameterBlockLength];
        var g2 = new float[T.ParameterBlockLength];
        float l1 = net.ComputeGradients(inputs, labels, g1);
        float l2 = net.ComputeGradients(inputs, oneHot, g2);
        l1.ShouldBe(l2, 1e-6f);
        for (int i = 0; i < g1.Length; i++)
        {
            g1[i].ShouldBe(g2[i], 1e-6f);
        }
        net.ComputeLoss(inputs, labels).ShouldBe(l1, 1e-6f);
    }
}
