using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

/// <summary>One network's Predict, as a struct so that <see cref="LatencyMeter.Run"/> is compiled for each network (no interface call).</summary>
internal interface IPredictor
{
    int InputSize { get; }

    void Predict(ReadOnlySpan<float> input, Span<float> output);
}

internal readonly struct S2Predictor(S2 network) : IPredictor
{
    public int InputSize => S2.InputSize;

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => network.Predict(input, output);
}

internal readonly struct S3Predictor(S3 network) : IPredictor
{
    public int InputSize => S3.InputSize;

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => network.Predict(input, output);
}

/// <summary>Per-call latency statistics, in nanoseconds, with the timer overhead already subtracted.</summary>
internal readonly record struct LatencyStats(int Calls, double Min, double P50, double P99, double P999, double Max, double Mean, long AllocatedBytes, int Gen0Collections);

/// <summary>Times single Predict calls: Stopwatch.GetTimestamp before and after each call, into a preallocated array.</summary>
internal static class LatencyMeter
{
    /// <summary>Nanoseconds per Stopwatch tick (1 on Linux, where the timestamp is CLOCK_MONOTONIC in ns).</summary>
    public static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>
    /// The median cost, in ticks, of two back-to-back <see cref="Stopwatch.GetTimestamp"/> calls: what a timed call
    /// measures when the call itself takes no time. Subtracted from every sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static long MeasureTimerOverhead(int samples = 200_000)
    {
        var ticks = new long[samples];
        for (int i = 0; i < ticks.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        return ticks[ticks.Length / 2];
    }

    /// <summary>
    /// Calls Predict for <paramref name="warmup"/> (same code path, results discarded), then <paramref name="calls"/>
    /// times, each timed on its own. Inputs cycle through <paramref name="inputs"/> (a pool of rows).
    /// </summary>
    public static LatencyStats Measure<TPredictor>(TPredictor predictor, float[] inputs, int outputSize, int calls, TimeSpan warmup, long timerOverhead)
        where TPredictor : struct, IPredictor
    {
        var output = new float[outputSize];
        var ticks = new long[calls];

        // Warm-up: the measured loop itself, until the time is up (tiered JIT promotes what Predict calls; AOT needs none).
        var warmupTicks = new long[Math.Min(calls, 10_000)];
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmupEnd)
        {
            Run(predictor, inputs, output, warmupTicks);
        }

        int gen0 = GC.CollectionCount(0);
        long allocated = Run(predictor, inputs, output, ticks);
        gen0 = GC.CollectionCount(0) - gen0;

        double sum = 0;
        for (int i = 0; i < ticks.Length; i++)
        {
            ticks[i] = Math.Max(0, ticks[i] - timerOverhead);
            sum += ticks[i];
        }
        Array.Sort(ticks);
        double ns = NanosecondsPerTick;
        return new LatencyStats(
            calls,
            ticks[0] * ns,
            Percentile(ticks, 0.50) * ns,
            Percentile(ticks, 0.99) * ns,
            Percentile(ticks, 0.999) * ns,
            ticks[^1] * ns,
            sum / calls * ns,
            allocated,
            gen0);
    }

    /// <summary>The timed loop; returns the bytes this thread allocated during it (0 is the point).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Run<TPredictor>(TPredictor predictor, float[] inputs, float[] output, long[] ticks)
        where TPredictor : struct, IPredictor
    {
        int inputSize = predictor.InputSize;
        int rows = inputs.Length / inputSize;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0, row = 0; i < ticks.Length; i++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(row * inputSize, inputSize);
            long start = Stopwatch.GetTimestamp();
            predictor.Predict(input, output);
            ticks[i] = Stopwatch.GetTimestamp() - start;
            row = row + 1 == rows ? 0 : row + 1;
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Nearest-rank percentile of sorted samples: the smallest value with at least <paramref name="p"/> of the samples at or below it.</summary>
    private static long Percentile(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
