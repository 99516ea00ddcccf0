using System;
using System.Collections.Generic;
using StaticNN.Benchmarks.Baselines;

namespace StaticNN.Benchmarks;

/// <summary>
/// The <c>--verify</c> mode: every baseline must compute the generated network's function (max abs difference below
/// <see cref="Tolerance"/> on random inputs), and PredictBatch must match Predict row by row. No BenchmarkDotNet.
/// </summary>
public static class Verification
{
    public const float Tolerance = 1e-4f;
    private const int Samples = 200;

    public static int Run()
    {
        Console.WriteLine($"Kernel path: {StaticNN.Runtime.KernelPath.Description}");
        Console.WriteLine($"Tolerance: max |difference| < {Tolerance:G} over {Samples} random inputs in [-1, 1) per shape");
        Console.WriteLine();
        int failures = 0;
        failures += VerifyShape("S1", Shapes.CreateS1());
        failures += VerifyShape("S2", Shapes.CreateS2());
        failures += VerifyShape("S3", Shapes.CreateS3());
        failures += VerifyShape("S4", Shapes.CreateS4());
        failures += VerifyShape("S5", Shapes.CreateS5());
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            failures += VerifyInlineMath();
        }

        Console.WriteLine();
        Console.WriteLine(failures == 0 ? "verify: all implementations agree" : $"verify: {failures} mismatch(es)");
        return failures == 0 ? 0 : 1;
    }

    private static int VerifyShape<TNet>(string shape, TNet net) where TNet : class, ITrainableNetwork<TNet>
    {
        IReadOnlyList<LayerWeights> layers = Shapes.GetLayers(net);
        var implementations = new List<IPredictor> { new TensorPrimitivesMlp(layers), new NaiveScalarMlp(layers) };
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            implementations.InsertRange(0, BaselineFactory.CreateHandWrittenVariants(shape, layers));
        }
        else
        {
            Console.WriteLine($"{shape}: AVX-512F not available, hand-written Vector512 baseline skipped");
        }

        int inputSize = TNet.InputSize, outputSize = TNet.OutputSize;
        float[] inputs = Shapes.RandomArray(Samples * inputSize, seed: 7);
        float[] expected = new float[Samples * outputSize];
        for (int s = 0; s < Samples; s++)
        {
            net.Predict(inputs.AsSpan(s * inputSize, inputSize), expected.AsSpan(s * outputSize, outputSize));
        }

        int failures = 0;
        float[] actual = new float[outputSize];
        foreach (IPredictor implementation in implementations)
        {
            float maxDiff = 0f;
            for (int s = 0; s < Samples; s++)
            {
                actual.AsSpan().Fill(float.NaN);
                implementation.Predict(inputs.AsSpan(s * inputSize, inputSize), actual);
                maxDiff = MathF.Max(maxDiff, MaxAbsDiff(expected.AsSpan(s * outputSize, outputSize), actual));
            }

            failures += Report(shape, $"{implementation.Name} vs generated Predict", maxDiff);
        }

        // PredictBatch (blocked kernels, including leftover rows) against Predict (row kernels).
        foreach (int batch in new[] { 1, 5, 6, 32, 67, Samples })
        {
            float[] batchOutput = new float[batch * outputSize];
            batchOutput.AsSpan().Fill(float.NaN);
            net.PredictBatch(inputs.AsSpan(0, batch * inputSize), batchOutput);
            failures += Report(shape, $"generated PredictBatch({batch}) vs Predict", MaxAbsDiff(expected.AsSpan(0, batch * outputSize), batchOutput));
        }

        return failures;
    }

    // The hand-written baselines' inlined exp and tanh against MathF, over a dense grid.
    private static int VerifyInlineMath()
    {
        double expError = 0, tanhError = 0;
        Span<float> lanes = stackalloc float[16];
        for (float start = -100f; start < 88f; start += 16 * 0.001f)
        {
            var x = System.Runtime.Intrinsics.Vector512.Create(start) + System.Runtime.Intrinsics.Vector512<float>.Indices * 0.001f;
            System.Runtime.Intrinsics.Vector512.CopyTo(InlineMath.Exp(x), lanes);
            for (int i = 0; i < 16; i++)
            {
                double exact = Math.Exp(x[i]);
                if (exact > 1e-37)
                {
                    expError = Math.Max(expError, Math.Abs(lanes[i] - exact) / exact);
                }
            }

            System.Runtime.Intrinsics.Vector512.CopyTo(InlineMath.Tanh(x * 0.1f), lanes);
            for (int i = 0; i < 16; i++)
            {
                tanhError = Math.Max(tanhError, Math.Abs(lanes[i] - Math.Tanh(x[i] * 0.1f)));
            }
        }

        int failures = 0;
        failures += Report("--", "inline exp: max relative error vs Math.Exp on [-100, 88)", (float)expError, 1e-6f);
        failures += Report("--", "inline tanh: max abs error vs Math.Tanh on [-10, 8.8)", (float)tanhError, 1e-6f);
        return failures;
    }

    private static float MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        float max = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = MathF.Abs(expected[i] - actual[i]);
            max = float.IsNaN(d) ? float.PositiveInfinity : MathF.Max(max, d);
        }

        return max;
    }

    private static int Report(string shape, string what, float maxDiff, float tolerance = Tolerance)
    {
        bool ok = maxDiff < tolerance;
        Console.WriteLine($"{shape}  {(ok ? "ok  " : "FAIL")}  {what,-70} max = {maxDiff:E2}");
        return ok ? 0 : 1;
    }
}
