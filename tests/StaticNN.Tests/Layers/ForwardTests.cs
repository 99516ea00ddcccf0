using System;
using System.Collections.Generic;
using System.Reflection;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Layers;

/// <summary>Generated forward passes (batch-1 and batched) against the double-precision reference.</summary>
public sealed class ForwardTests
{
    /// <summary>
    /// Max error accepted per output: |y - y_ref| &lt;= Tolerance * max(1, |y_ref|). Float accumulation over up to 784
    /// products plus the activation's own error (VectorMath's bounds are below 1e-6) stays well inside it.
    /// </summary>
    private const double Tolerance = 1e-4;

    public static IEnumerable<object[]> Networks() =>
    [
        [typeof(Size1)], [typeof(Size3x7)], [typeof(Size8x9)], [typeof(Size15x16)], [typeof(Size17x33)], [typeof(Size33x64)],
        [typeof(Size64x127)], [typeof(Size127x784)], [typeof(Size784x128)], [typeof(Size784x128x64)], [typeof(Wide16x300)],
        [typeof(NoBias)], [typeof(Containers.Inner.NestedIris)], [typeof(RecordNet)], [typeof(OpenNet)],
        .. GradientNetworks.All(),
    ];

    [Theory]
    [MemberData(nameof(Networks))]
    public void Predict_MatchesDoubleReference(Type network) => Run(nameof(PredictMatches), network);

    [Theory]
    [MemberData(nameof(Networks))]
    public void PredictBatch_MatchesDoubleReferenceForEveryBlockRemainder(Type network) => Run(nameof(PredictBatchMatches), network);

    internal static void Run(string method, Type network) =>
        typeof(ForwardTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(network).Invoke(null, null);

    internal static void PredictMatches<T>() where T : class, ITrainableNetwork<T>, new()
    {
        T net = TestData.Randomized<T>(seed: 3);
        Reference reference = Reference.Of(net);
        var output = new float[T.OutputSize];
        for (int sample = 0; sample < 20; sample++)
        {
            float[] input = TestData.Uniform(T.InputSize, 100 + sample, -2f, 2f);
            net.Predict(input, output);
            double[] expected = reference.Forward(input, out _);
            AssertClose(output, expected, $"{typeof(T).Name} sample {sample}");
        }
    }

    internal static void PredictBatchMatches<T>() where T : class, ITrainableNetwork<T>, new()
    {
        T net = TestData.Randomized<T>(seed: 4);
        Reference reference = Reference.Of(net);
        // 1..13 hit every remainder of the 6-row (and 2-row scalar) blocks; 70 and 129 cross PredictBatch's chunks.
        foreach (int count in new[] { 1, 2, 5, 6, 7, 12, 13, 70, 129 })
        {
            float[] inputs = TestData.Uniform(count * T.InputSize, count, -2f, 2f);
            var outputs = new float[count * T.OutputSize];
            net.PredictBatch(inputs, outputs);
            var single = new float[T.OutputSize];
            for (int m = 0; m < count; m++)
            {
                ReadOnlySpan<float> input = inputs.AsSpan(m * T.InputSize, T.InputSize);
                double[] expected = reference.Forward(input, out _);
                Span<float> row = outputs.AsSpan(m * T.OutputSize, T.OutputSize);
                AssertClose(row, expected, $"{typeof(T).Name} batch {count} row {m}");
                net.Predict(input, single);
                AssertClose(single, Array.ConvertAll(row.ToArray(), v => (double)v), $"{typeof(T).Name} batch {count} row {m} vs Predict");
            }
        }
    }

    internal static void AssertClose(ReadOnlySpan<float> actual, double[] expected, string what)
    {
        actual.Length.ShouldBe(expected.Length);
        for (int j = 0; j < expected.Length; j++)
        {
            double error = Math.Abs(actual[j] - expected[j]);
            double allowed = Tolerance * Math.Max(1, Math.Abs(expected[j]));
            if (!(error <= allowed))
            {
                throw new ShouldAssertException($"{what}, output {j}: got {actual[j]:R}, expected {expected[j]:R} (error {error:E2} > {allowed:E2})");
            }
        }
    }
}
