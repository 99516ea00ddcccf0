using System;
using System.Diagnostics.CodeAnalysis;

namespace StaticNN.Runtime;

/// <summary>Argument checks used by generated networks at their public entry points, with messages that name the fix.</summary>
public static class NetworkArguments
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void ThrowIfLengthIsNot(int actual, int expected, string network, string what, string paramName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, network, what, paramName);
        }
    }

    /// <summary>
    /// Returns the number of rows in a row-major batch of <paramref name="rowSize"/>-float rows, and throws unless the
    /// length is a positive multiple of it.
    /// </summary>
    public static int GetBatchCount(int length, int rowSize, string network, string paramName)
    {
        if (length == 0 || length % rowSize != 0)
        {
            ThrowBatch(length, rowSize, network, paramName);
        }
        return length / rowSize;
    }

    /// <summary>Throws for a layer index outside [0, layerCount).</summary>
    public static void ThrowIfLayerOutOfRange(int layer, int layerCount, string network)
    {
        if ((uint)layer >= (uint)layerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"{network} has layers 0 to {layerCount - 1}.");
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string network, string what, string paramName) =>
        throw new ArgumentException($"{network} expects {expected} {what} but the span has {actual}.", paramName);

    [DoesNotReturn]
    private static void ThrowBatch(int length, int rowSize, string network, string paramName) =>
        throw new ArgumentException(
            $"{network} expects a non-empty row-major batch whose length is a multiple of {rowSize}, but the span has {length} floats.",
            paramName);
}
