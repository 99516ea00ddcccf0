using System;
using System.Globalization;

namespace StaticNN;

/// <summary>
/// The shape of one sample (no batch dimension), channels first as PyTorch writes it: (features), (channels, length)
/// or (channels, height, width). Values are stored in this order, row-major, in every span the API takes.
/// </summary>
/// <param name="Rank">Number of dimensions, 1 to 3.</param>
/// <param name="D0">The outermost dimension.</param>
/// <param name="D1">The second dimension (0 when Rank is 1).</param>
/// <param name="D2">The third dimension (0 when Rank is below 3).</param>
public readonly record struct TensorShape(int Rank, int D0, int D1 = 0, int D2 = 0)
{
    /// <summary>Number of values: the product of the dimensions.</summary>
    public int ElementCount => Rank switch
    {
        1 => D0,
        2 => D0 * D1,
        _ => D0 * D1 * D2,
    };

    /// <summary>The dimension of axis <paramref name="axis"/> (0 = outermost).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is not below <see cref="Rank"/>.</exception>
    public int this[int axis]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(axis);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(axis, Rank);
            return axis switch
            {
                0 => D0,
                1 => D1,
                _ => D2,
            };
        }
    }

    /// <summary>"(1, 28, 28)", as PyTorch prints a shape without its batch dimension.</summary>
    public override string ToString() => Rank switch
    {
        1 => string.Create(CultureInfo.InvariantCulture, $"({D0})"),
        2 => string.Create(CultureInfo.InvariantCulture, $"({D0}, {D1})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"({D0}, {D1}, {D2})"),
    };
}
