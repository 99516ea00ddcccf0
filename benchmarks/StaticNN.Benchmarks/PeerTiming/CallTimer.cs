using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StaticNN.Benchmarks.PeerTiming;

/// <summary>One batch-1 implementation behind a struct, so the timing loops are specialised per implementation (no interface call).</summary>
public interface ITimedCall
{
    void Invoke();
}

/// <summary>What <see cref="CallTimer"/> measured for one implementation; times in nanoseconds.</summary>
/// <param name="PerCallMedian">Median of the individually timed calls, timer overhead subtracted.</param>
/// <param name="PerCallP99">99th percentile (nearest rank) of the individually timed calls, overhead subtracted.</param>
/// <param name="PerCallMedianRaw">Median of the individually timed calls as read from the timer (overhead included).</param>
/// <param name="TimerOverhead">Median of an empty pair of timer reads.</param>
/// <param name="Calls">Number of individually timed calls.</param>
/// <param name="LoopMedian">Median over repetitions of (time of <paramref name="LoopLength"/> back-to-back calls) / LoopLength.</param>
/// <param name="LoopLength">Calls per timed loop.</param>
/// <param name="Loops">Number of timed loops.</param>
public sealed record CallTiming(
    double PerCallMedian, double PerCallP99, double PerCallMedianRaw, double TimerOverhead, int Calls,
    double LoopMedian, int LoopLength, int Loops);

/// <summary>
/// Times one call the way <c>benchmarks/peers/pytorch_bench.py</c> times PyTorch, so that the two sides use the same
/// method: a warm-up for a fixed time, then (1) calls timed one by one with <see cref="Stopwatch.GetTimestamp"/>
/// before and after, for a time budget, giving the median and p99 with the median cost of an empty timer pair
/// subtracted; (2) loops of back-to-back calls (about 100 us each) timed as a whole, giving the median per-call time
/// with no timer in between.
/// </summary>
public static class CallTimer
{
    private const double LoopTargetNanoseconds = 100_000;

    public static double NanosecondsPerTick { get; } = 1e9 / Stopwatch.Frequency;

    /// <summary>The median cost of two back-to-back timer reads, in nanoseconds.</summary>
    public static double MeasureTimerOverhead()
    {
        var samples = new long[100_000];
        for (int i = 0; i < samples.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            long t1 = Stopwatch.GetTimestamp();
            samples[i] = t1 - t0;
        }

        Array.Sort(samples);
        return samples[samples.Length / 2] * NanosecondsPerTick;
    }

    /// <summary>Warms <paramref name="call"/> up, then times it one call at a time and in loops.</summary>
    public static CallTiming Measure<TCall>(TCall call, double timerOverhead, TimeSpan warmup, TimeSpan budget, int maxCalls)
        where TCall : struct, ITimedCall
    {
        double callEstimate = Warmup(call, warmup);
        var samples = new long[maxCalls];
        int calls = TimeEachCall(call, samples, (long)(budget.TotalSeconds * Stopwatch.Frequency));
        Span<long> taken = samples.AsSpan(0, calls);
        taken.Sort();
        double median = taken[calls / 2] * NanosecondsPerTick;
        double p99 = taken[Math.Min(calls - 1, (int)Math.Ceiling(0.99 * calls) - 1)] * NanosecondsPerTick;

        int loopLength = (int)Math.Clamp(LoopTargetNanoseconds / Math.Max(callEstimate, 1), 1, 100_000);
        var loopSamples = new double[Math.Max(10, maxCalls / loopLength)];
        int loops = TimeLoops(call, loopLength, loopSamples, (long)(budget.TotalSeconds * Stopwatch.Frequency));
        Span<double> loopTaken = loopSamples.AsSpan(0, loops);
        loopTaken.Sort();

        return new CallTiming(
            Math.Max(0, median - timerOverhead), Math.Max(0, p99 - timerOverhead), median, timerOverhead, calls,
            loopTaken[loops / 2], loopLength, loops);
    }

    // Calls in groups of 16 until the warm-up time has passed (the tiered JIT reaches tier 1 meanwhile for the
    // non-generated implementations); returns the fastest group's time per call, an estimate for sizing the loops
    // that one group slowed down by a time slice or a tier-up cannot spoil.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Warmup<TCall>(TCall call, TimeSpan warmup) where TCall : struct, ITimedCall
    {
        long end = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        long fastest = long.MaxValue;
        long t1;
        do
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < 16; i++)
            {
                call.Invoke();
            }

            t1 = Stopwatch.GetTimestamp();
            fastest = Math.Min(fastest, t1 - t0);
        }
        while (t1 < end);
        return fastest * NanosecondsPerTick / 16;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int TimeEachCall<TCall>(TCall call, long[] samples, long budgetTicks) where TCall : struct, ITimedCall
    {
        long end = Stopwatch.GetTimestamp() + budgetTicks;
        int n = 0;
        while (n < samples.Length)
        {
            long t0 = Stopwatch.GetTimestamp();
            call.Invoke();
            long t1 = Stopwatch.GetTimestamp();
            samples[n++] = t1 - t0;
            if (t1 > end && n >= 100)
            {
                break;
            }
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int TimeLoops<TCall>(TCall call, int loopLength, double[] samples, long budgetTicks) where TCall : struct, ITimedCall
    {
        long end = Stopwatch.GetTimestamp() + budgetTicks;
        int n = 0;
        while (n < samples.Length)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < loopLength; i++)
            {
                call.Invoke();
            }

            long t1 = Stopwatch.GetTimestamp();
            samples[n++] = (t1 - t0) * NanosecondsPerTick / loopLength;
            if (t1 > end && n >= 10)
            {
                break;
            }
        }

        return n;
    }
}
