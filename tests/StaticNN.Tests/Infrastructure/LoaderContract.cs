using System;
using System.Runtime.CompilerServices;

namespace StaticNN.Tests.Infrastructure;

/// <summary>One call of a loader: its result or exception, and the bytes it allocated on this thread.</summary>
internal readonly record struct LoadOutcome<T>(T? Result, Exception? Error, long Allocated);

/// <summary>
/// Runs a loader on hostile input and measures it against the loaders' contract (README, "Reliability"): a valid
/// result or the documented exception, and an allocation bounded by the bytes the loader read.
/// </summary>
internal static class LoaderContract
{
    /// <summary>The constant part of every bound: buffers, the exception and its stack trace.</summary>
    public const long Slack = 1 << 20;

    /// <summary>Calls <paramref name="load"/> and catches whatever it throws; allocations of this thread are counted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static LoadOutcome<T> Run<T>(Func<T> load)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        T? result = default;
        Exception? error = null;
        try
        {
            result = load();
        }
        catch (Exception e)
        {
            error = e;
        }
        return new LoadOutcome<T>(result, error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Fails unless the call threw <typeparamref name="TException"/>; returns it.</summary>
    public static TException ShouldFailWith<TException, T>(this LoadOutcome<T> outcome) where TException : Exception
    {
        outcome.Error.ShouldNotBeNull($"the load succeeded with {outcome.Result}");
        return outcome.Error.ShouldBeOfType<TException>();
    }

    /// <summary>Fails when the call allocated more than <paramref name="perByte"/> bytes per input byte (or character) plus <paramref name="slack"/>.</summary>
    public static void ShouldAllocateAtMost<T>(this LoadOutcome<T> outcome, double perByte, long inputBytes, long slack = Slack)
    {
        long bound = (long)(perByte * inputBytes) + slack;
        outcome.Allocated.ShouldBeLessThanOrEqualTo(bound, $"allocated {outcome.Allocated:N0} bytes for {inputBytes:N0} input bytes (bound {perByte}x + {slack:N0})");
    }
}
