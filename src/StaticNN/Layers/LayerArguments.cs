using System;
using System.Diagnostics.CodeAnalysis;

namespace StaticNN.Layers;

/// <summary>Argument checks shared by the layer kernels (padded row-major buffers).</summary>
internal static class LayerArguments
{
    /// <summary>The padding granularity of generated networks: every stride is a multiple of this.</summary>
    public const int StrideMultiple = 16;

    /// <summary>Checks <c>rows &gt;= 1</c>, <c>width &gt;= 1</c>, <c>stride &gt;= width</c> and <c>stride % 16 == 0</c>.</summary>
    public static void CheckShape(int rows, int stride, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width);
        if (stride % StrideMultiple != 0)
        {
            ThrowStrideNotMultiple(stride);
        }
    }

    /// <summary>Throws unless <paramref name="length"/> is at least <c>rows * stride</c>.</summary>
    public static void CheckMatrix(int length, int rows, int stride, string paramName)
    {
        long required = (long)rows * stride;
        if (length < required)
        {
            ThrowMatrixTooShort(paramName, length, required, rows, stride);
        }
    }

    /// <summary>Throws unless <paramref name="length"/> is at least <paramref name="required"/>.</summary>
    public static void CheckVector(int length, int required, string paramName, string requiredName)
    {
        if (length < required)
        {
            ThrowVectorTooShort(paramName, length, required, requiredName);
        }
    }

    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>.</summary>
    public static void CheckSameLength(int length, int expected, string paramName, string expectedName)
    {
        if (length != expected)
        {
            ThrowLengthMismatch(paramName, length, expected, expectedName);
        }
    }

    /// <summary>Throws if <paramref name="output"/> and <paramref name="input"/> share any memory.</summary>
    public static void CheckNoOverlap(ReadOnlySpan<float> output, ReadOnlySpan<float> input, string outputName, string inputName)
    {
        if (output.Overlaps(input))
        {
            ThrowOverlap(outputName, inputName);
        }
    }

    [DoesNotReturn]
    private static void ThrowStrideNotMultiple(int stride) =>
        throw new ArgumentOutOfRangeException(nameof(stride), stride,
            $"stride must be a multiple of {StrideMultiple} (the padded layout of generated networks).");

    [DoesNotReturn]
    private static void ThrowMatrixTooShort(string paramName, int actual, long required, int rows, int stride) =>
        throw new ArgumentException(
            $"{paramName} has length {actual}, expected at least {required} (rows = {rows} times stride = {stride}).",
            paramName);

    [DoesNotReturn]
    private static void ThrowVectorTooShort(string paramName, int actual, int required, string requiredName) =>
        throw new ArgumentException(
            $"{paramName} has length {actual}, expected at least {required} ({requiredName}).", paramName);

    [DoesNotReturn]
    private static void ThrowLengthMismatch(string paramName, int actual, int expected, string expectedName) =>
        throw new ArgumentException(
            $"{paramName} has length {actual}, expected {expected} (the length of {expectedName}).", paramName);

    [DoesNotReturn]
    private static void ThrowOverlap(string outputName, string inputName) =>
        throw new ArgumentException($"{outputName} must not overlap {inputName}.", outputName);
}
