using System;
using System.Linq;
using System.Runtime.Intrinsics;
using StaticNN.Activations;

namespace StaticNN.Tests.Activations;

/// <summary>The inlined vector Exp and the padded softmax that generated networks use.</summary>
public sealed class ExpAndPaddedSoftmaxTests
{
    /// <summary>Measured max relative error of the vector Exp on [-87, 88] is about 1.2e-7; asserted bound 2.5e-7 (about 2 ulp).</summary>
    private const double ExpRelativeBound = 2.5e-7;

    private static float[] Points()
    {
        var grid = Enumerable.Range(0, 40001).Select(i => -100f + i * 0.0047f);
        float[] special = [0f, -0f, 1e-30f, -1e-30f, 88.7f, 88.72f, 89f, 100f, -87.3f, -88f, -95f, -103f, -104f, -110f, float.PositiveInfinity, float.NegativeInfinity];
        return grid.Concat(special).ToArray();
    }

    [Fact]
    public void Exp_AllWidths_MatchMathExpWithinTwoUlpAndHandleSpecialValues()
    {
        float[] xs = Points();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            Vector512<float> v512 = VectorMath.Exp(Vector512.Create(xs.AsSpan(i, 16)));
            Vector256<float> lo = VectorMath.Exp(Vector256.Create(xs.AsSpan(i, 8)));
            Vector128<float> q = VectorMath.Exp(Vector128.Create(xs.AsSpan(i, 4)));
            for (int lane = 0; lane < 16; lane++)
            {
                float x = xs[i + lane];
                Check(x, v512[lane]);
                if (lane < 8) lo[lane].ShouldBe(v512[lane], $"Vector256 lane {lane} of exp({x})");
                if (lane < 4) q[lane].ShouldBe(v512[lane], $"Vector128 lane {lane} of exp({x})");
            }
        }
        VectorMath.Exp(Vector512<float>.Zero)[0].ShouldBe(1f);
        float.IsNaN(VectorMath.Exp(Vector512.Create(float.NaN))[3]).ShouldBeTrue();
    }

    private static void Check(float x, float actual)
    {
        double expected = Math.Exp(x);
        if (expected > float.MaxValue)
        {
            actual.ShouldBe(float.PositiveInfinity, $"exp({x})");
            return;
        }
        if (expected < 1.2e-38)
        {
            // Subnormal range: absolute error within a couple of subnormal steps.
            Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(3e-45, $"exp({x})");
            return;
        }
        double relative = Math.Abs(actual - expected) / expected;
        relative.ShouldBeLessThanOrEqualTo(ExpRelativeBound, $"exp({x}) = {actual:R}, expected {expected:R}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    public void SoftmaxPadded_MatchesDoubleReferenceAndZeroesPadding(int width)
    {
        int padded = (width + 15) / 16 * 16;
        var random = new Random(width);
        float[] row = Enumerable.Range(0, padded).Select(i => i < width ? (float)(random.NextDouble() * 20 - 10) : float.NaN).ToArray();
        double[] x = row.Take(width).Select(v => (double)v).ToArray();
        double max = x.Max();
        double sum = x.Sum(v => Math.Exp(v - max));

        VectorMath.SoftmaxPadded(row, width);

        for (int j = 0; j < width; j++)
        {
            double expected = Math.Exp(x[j] - max) / sum;
            // Relative 4e-7, plus the float rounding of x - max that exp turns into a relative error (as for Softmax).
            double allowed = expected * (4e-7 + Math.Pow(2, -24) * (max - x[j]));
            Math.Abs(row[j] - expected).ShouldBeLessThanOrEqualTo(allowed, $"p[{j}]");
        }
        for (int j = width; j < padded; j++)
        {
            row[j].ShouldBe(0f, $"padding lane {j}");
        }

        float[] matrix = Enumerable.Range(0, 3 * padded).Select(i => i % padded < width ? (float)(random.NextDouble() * 4 - 2) : float.NaN).ToArray();
        float[] expectedRows = (float[])matrix.Clone();
        for (int r = 0; r < 3; r++) VectorMath.SoftmaxPadded(expectedRows.AsSpan(r * padded, padded), width);
        VectorMath.SoftmaxPaddedRows(matrix, 3, padded, width);
        matrix.ShouldBe(expectedRows);
    }

    [Fact]
    public void SoftmaxPadded_RejectsUnpaddedRows()
    {
        Should.Throw<ArgumentException>(() => VectorMath.SoftmaxPadded(new float[10], 3)).Message.ShouldContain("multiple of 16");
        Should.Throw<ArgumentException>(() => VectorMath.SoftmaxPadded(new float[16], 17));
        Should.Throw<ArgumentOutOfRangeException>(() => VectorMath.SoftmaxPadded(new float[16], 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    public void SoftmaxPadded16_AndSoftmaxFirst_EqualSoftmaxPadded(int width)
    {
        var random = new Random(100 + width);
        float[] row = Enumerable.Range(0, 16).Select(i => i < width ? (float)(random.NextDouble() * 30 - 15) : float.NaN).ToArray();
        float[] expected = (float[])row.Clone();
        VectorMath.SoftmaxPadded(expected, width);

        // The same operations as the loop version up to the order of the sum: within 2 ulp; padding exactly 0.
        float[] inPlace = (float[])row.Clone();
        VectorMath.SoftmaxPadded16(ref inPlace[0], width);
        for (int j = 0; j < 16; j++)
        {
            inPlace[j].ShouldBe(expected[j], Math.Abs(expected[j]) * 2.5e-7f, $"SoftmaxPadded16 lane {j}");
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> result = VectorMath.SoftmaxFirst(Vector512.Create(row), width);
            for (int j = 0; j < 16; j++)
            {
                result[j].ShouldBe(expected[j], Math.Abs(expected[j]) * 2.5e-7f, $"SoftmaxFirst lane {j}");
            }
        }
    }

    [Fact]
    public void SoftmaxFirst_NaNLogit_MakesEveryOutputNaN()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            Should.Throw<PlatformNotSupportedException>(() => VectorMath.StoreFirst(Vector512<float>.One, 1, new float[1]));
            return;
        }
        Vector512<float> result = VectorMath.SoftmaxFirst(Vector512.Create([1f, float.NaN, 2f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 3);
        for (int j = 0; j < 3; j++)
        {
            float.IsNaN(result[j]).ShouldBeTrue($"lane {j}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    public void StoreFirst_WritesExactlyCountLanes(int count)
    {
        float[] destination = Enumerable.Repeat(-7f, 20).ToArray();
        Vector512<float> values = Vector512.Create(Enumerable.Range(0, 16).Select(i => (float)i).ToArray());
        if (!Vector512.IsHardwareAccelerated)
        {
            Should.Throw<PlatformNotSupportedException>(() => VectorMath.StoreFirst(values, count, destination.AsSpan(2, count)));
            return;
        }

        VectorMath.StoreFirst(values, count, destination.AsSpan(2, count));

        destination.ShouldBe(Enumerable.Range(0, 20).Select(i => i >= 2 && i < 2 + count ? i - 2f : -7f).ToArray());
    }

    [Fact]
    public void StoreFirst_RejectsAShortDestinationOrMoreThan16Lanes()
    {
        Should.Throw<ArgumentException>(() => VectorMath.StoreFirst(Vector512<float>.One, 4, new float[3])).Message.ShouldContain("4 lanes");
        Should.Throw<ArgumentException>(() => VectorMath.StoreFirst(Vector512<float>.One, 17, new float[20]));
        Should.Throw<ArgumentException>(() => VectorMath.StoreFirst(Vector512<float>.One, -1, new float[20]));
    }
}
