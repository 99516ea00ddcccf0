using System;
using System.Diagnostics.CodeAnalysis;

namespace StaticNN.Optimizers;

/// <summary>Argument checks and exceptions shared by the optimizers, so their messages stay consistent.</summary>
internal static class OptimizerGuard
{
    /// <summary>Throws unless <paramref name="value"/> is finite and greater than 0.</summary>
    public static void ThrowIfNotPositiveFinite(float value, string paramName, string what)
    {
        if (!(value > 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{what} must be finite and greater than 0.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and at least 0.</summary>
    public static void ThrowIfNegativeOrNotFinite(float value, string paramName, string what)
    {
        if (!(value >= 0f) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{what} must be finite and at least 0.");
        }
    }

    /// <summary>Throws unless 0 &lt;= <paramref name="value"/> &lt; 1.</summary>
    public static void ThrowIfNotInUnitInterval(float value, string paramName, string what)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{what} must be in [0, 1).");
        }
    }

    /// <summary>Throws unless 0 &lt; <paramref name="value"/> &lt; 1.</summary>
    public static void ThrowIfNotInOpenUnitInterval(float value, string paramName, string what)
    {
        if (!(value > 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{what} must be in (0, 1).");
        }
    }

    /// <summary>Throws unless 0 &lt; <paramref name="value"/> &lt;= 1.</summary>
    public static void ThrowIfNotInOpenClosedUnitInterval(float value, string paramName, string what)
    {
        if (!(value > 0f && value <= 1f))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{what} must be in (0, 1].");
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming both lengths unless they are equal.</summary>
    public static void ThrowIfLengthsDiffer(int parameterCount, int gradientCount)
    {
        if (parameterCount != gradientCount)
        {
            ThrowLengthsDiffer(parameterCount, gradientCount);
        }
    }

    /// <summary>The exception for a step whose length differs from the length the optimizer state was created for.</summary>
    [DoesNotReturn]
    public static void ThrowLengthChanged(string optimizer, int boundLength, int length) =>
        throw new InvalidOperationException(
            $"This {optimizer} optimizer holds state for {boundLength} parameters (the length of its first Step), " +
            $"but this Step has {length}. Use one optimizer per network, or call Reset() to discard the state " +
            "and start again with the new length.");

    [DoesNotReturn]
    private static void ThrowLengthsDiffer(int parameterCount, int gradientCount) =>
        throw new ArgumentException(
            $"parameters has length {parameterCount} but gradients has length {gradientCount}; they must be equal.",
            "gradients");
}
