using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="GradientClipping.ClipByNorm"/> and <see cref="GradientClipping.ClipByValue"/> against hand-computed
/// values and a double reference on every SIMD length, including the no-op case, non-finite norms, values whose
/// squares overflow or underflow float, validation and allocation.
/// </summary>
/// <remarks>
/// Tolerances: the norm is accumulated in double and rounded once, so it must match the double reference to a
/// relative 1.2e-7 (one float rounding, 6e-8, plus margin for a different summation order). Clipped gradients must
/// match <c>g * maxNorm / (norm + 1e-6)</c> in double to a relative 2.5e-7 (rounding of the scale and of the
/// product), and the clipped norm must be <c>maxNorm * norm / (norm + 1e-6)</c> to within a relative 2e-7 below and
/// at most <c>maxNorm * (1 + 2e-7)</c>. Hand-computed values are the float results themselves (tolerance 0).
/// ClipByValue is exact (tolerance 0).
/// </remarks>
public sealed class GradientClippingTests
{
    private static readonly int[] s_lengths = [1, 7, 8, 9, 15, 16, 17, 33, 1000];

    public static TheoryData<int> Lengths()
    {
        TheoryData<int> data = new();
        foreach (int length in s_lengths)
        {
            data.Add(length);
        }

        return data;
    }

    // ---- ClipByNorm: hand-computed ----

    [Fact]
    public void ClipByNorm_AboveMax_ScalesAndReturnsNormBeforeClipping()
    {
        // norm = sqrt(3^2 + 4^2) = 5 > 1; scale = (float)(1 / (5 + 1e-6)) = 0.19999995827674866;
        // g = [3 * scale, -4 * scale] = [0.5999999046325684, -0.7999998331069946] (float products).
        float[] g = [3f, -4f];

        float norm = GradientClipping.ClipByNorm(g, 1f);

        norm.ShouldBe(5f);
        g[0].ShouldBe(0.5999999046325684f);
        g[1].ShouldBe(-0.7999998331069946f);
    }

    [Fact]
    public void ClipByNorm_ThreeElements_MatchesHandComputedValues()
    {
        // norm = sqrt(9 + 16 + 144) = 13 > 6.5; scale = (float)(6.5 / 13.000001) = 0.4999999701976776;
        // g = [1.4999998807907104, 1.9999998807907104, 5.999999523162842].
        float[] g = [3f, 4f, 12f];

        float norm = GradientClipping.ClipByNorm(g, 6.5f);

        norm.ShouldBe(13f);
        g.ShouldBe([1.4999998807907104f, 1.9999998807907104f, 5.999999523162842f]);
    }

    [Theory]
    [InlineData(5f)]   // norm == maxNorm: unchanged (PyTorch would multiply by 5 / 5.000001)
    [InlineData(5.5f)]
    [InlineData(1000f)]
    public void ClipByNorm_NotAboveMax_LeavesGradientsBitForBitUnchanged(float maxNorm)
    {
        float[] g = [3f, -4f, 0f];

        float norm = GradientClipping.ClipByNorm(g, maxNorm);

        norm.ShouldBe(5f);
        g.ShouldBe([3f, -4f, 0f]);
    }

    [Fact]
    public void ClipByNorm_Empty_ReturnsZero()
    {
        GradientClipping.ClipByNorm(Span<float>.Empty, 1f).ShouldBe(0f);
    }

    [Fact]
    public void ClipByNorm_MaxNormZero_ZeroesTheGradients()
    {
        // scale = 0 / (5 + 1e-6) = 0.
        float[] g = [3f, -4f];

        GradientClipping.ClipByNorm(g, 0f).ShouldBe(5f);

        g.ShouldBe([0f, 0f]);
    }

    // ---- ClipByNorm: double reference on every length ----

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ClipByNorm_MatchesDoubleReference_WhenClipping(int length)
    {
        float[] g = RandomVector(new Random(31 + length), length, 3f);
        float[] original = (float[])g.Clone();
        double reference = ReferenceNorm(original);
        float maxNorm = (float)(reference / 2);

        float norm = GradientClipping.ClipByNorm(g, maxNorm);

        ShouldBeRelativelyClose(norm, reference, 1.2e-7);
        double scale = maxNorm / (reference + 1e-6);
        for (int i = 0; i < length; i++)
        {
            Math.Abs(g[i] - original[i] * scale).ShouldBeLessThanOrEqualTo(2.5e-7 * Math.Abs(original[i] * scale), $"element {i}");
        }

        double clippedNorm = ReferenceNorm(g);
        clippedNorm.ShouldBeLessThanOrEqualTo(maxNorm * (1 + 2e-7));
        clippedNorm.ShouldBeGreaterThanOrEqualTo(maxNorm * reference / (reference + 1e-6) * (1 - 2e-7));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ClipByNorm_MatchesDoubleReference_WhenNotClipping(int length)
    {
        float[] g = RandomVector(new Random(57 + length), length, 3f);
        float[] original = (float[])g.Clone();
        double reference = ReferenceNorm(original);

        float norm = GradientClipping.ClipByNorm(g, (float)(reference * 2));

        ShouldBeRelativelyClose(norm, reference, 1.2e-7);
        g.ShouldBe(original);
    }

    [Fact]
    public void ClipByNorm_SquaresAboveFloatRange_DoNotOverflow()
    {
        // (1e20)^2 = 1e40 overflows float but not double: norm = 1e20 * sqrt(34) = 5.8309519e20, and the result is
        // clipped to norm 1 (each element 1 / sqrt(34) = 0.17149859).
        float[] g = new float[34];
        Array.Fill(g, 1e20f);
        double reference = ReferenceNorm(g);

        float norm = GradientClipping.ClipByNorm(g, 1f);

        ShouldBeRelativelyClose(norm, reference, 1.2e-7);
        norm.ShouldBeLessThan(float.PositiveInfinity);
        foreach (float value in g)
        {
            value.ShouldBe((float)(1 / Math.Sqrt(34)), 1e-7f);
        }
    }

    [Fact]
    public void ClipByNorm_SquaresBelowFloatRange_DoNotUnderflow()
    {
        // (1e-30)^2 = 1e-60 underflows float to 0 but not double: norm = 1e-30 * sqrt(33) = 5.7445626e-30, not 0.
        float[] g = new float[33];
        Array.Fill(g, 1e-30f);

        float norm = GradientClipping.ClipByNorm(g, 1f);

        ShouldBeRelativelyClose(norm, ReferenceNorm(g), 1.2e-7);
        norm.ShouldBeGreaterThan(5.7e-30f);
        g.ShouldAllBe(x => x == 1e-30f);
    }

    // ---- ClipByNorm: non-finite norms ----

    [Theory]
    [InlineData(0)]   // first element (in the SIMD body when the length allows)
    [InlineData(20)]  // inside the SIMD body
    [InlineData(32)]  // scalar tail
    public void ClipByNorm_NaNGradient_ReturnsNaN_AndLeavesGradientsUnchanged(int index)
    {
        float[] g = RandomVector(new Random(3), 33, 100f);
        g[index] = float.NaN;
        float[] original = (float[])g.Clone();

        float norm = GradientClipping.ClipByNorm(g, 1f);

        float.IsNaN(norm).ShouldBeTrue();
        AssertBitwiseEqual(g, original);
    }

    [Theory]
    [InlineData(float.PositiveInfinity, 5)]
    [InlineData(float.NegativeInfinity, 5)]
    [InlineData(float.PositiveInfinity, 32)]
    public void ClipByNorm_InfiniteGradient_ReturnsPositiveInfinity_AndLeavesGradientsUnchanged(float infinity, int index)
    {
        float[] g = RandomVector(new Random(4), 33, 100f);
        g[index] = infinity;
        float[] original = (float[])g.Clone();

        float norm = GradientClipping.ClipByNorm(g, 1f);

        norm.ShouldBe(float.PositiveInfinity);
        AssertBitwiseEqual(g, original);
    }

    [Fact]
    public void ClipByNorm_InfinityAndNaN_ReturnsNaN()
    {
        float[] g = [float.PositiveInfinity, float.NaN, 1f];

        float.IsNaN(GradientClipping.ClipByNorm(g, 1f)).ShouldBeTrue();

        g[0].ShouldBe(float.PositiveInfinity);
        g[2].ShouldBe(1f);
    }

    [Fact]
    public void ClipByNorm_FiniteGradientsWithNormAboveFloatMax_ReturnsInfinity_AndLeavesGradientsUnchanged()
    {
        // sqrt(2) * 3e38 = 4.2e38 > float.MaxValue (3.4e38): the returned norm is +infinity, so (as documented for
        // every non-finite norm) the gradients are not scaled.
        float[] g = [3e38f, -3e38f];

        float norm = GradientClipping.ClipByNorm(g, 1f);

        norm.ShouldBe(float.PositiveInfinity);
        g.ShouldBe([3e38f, -3e38f]);
    }

    // ---- ClipByNorm: validation and allocation ----

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ClipByNorm_InvalidMaxNorm_ThrowsArgumentOutOfRange_AndLeavesGradientsUnchanged(float maxNorm)
    {
        float[] g = [3f, -4f];

        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(g, maxNorm));

        ex.ParamName.ShouldBe("maxNorm");
        g.ShouldBe([3f, -4f]);
    }

    [Fact]
    public void ClipByNorm_DoesNotAllocate()
    {
        float[] g = RandomVector(new Random(8), 1000, 1f);
        GradientClipping.ClipByNorm(g, 1f);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                GradientClipping.ClipByNorm(g, 0.5f + (i % 2)); // alternately clips and leaves unchanged
            }
        }, iterationsPerWindow: 1);
    }

    // ---- ClipByValue ----

    [Fact]
    public void ClipByValue_ClampsToPlusMinusLimit()
    {
        float[] g = [-3f, -1f, -0.5f, 0f, 0.5f, 1f, 3f, float.NegativeInfinity, float.PositiveInfinity];

        GradientClipping.ClipByValue(g, 1f);

        g.ShouldBe([-1f, -1f, -0.5f, 0f, 0.5f, 1f, 1f, -1f, 1f]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(32)]
    public void ClipByValue_NaN_StaysNaN(int index)
    {
        float[] g = RandomVector(new Random(6), 33, 3f);
        g[index] = float.NaN;

        GradientClipping.ClipByValue(g, 1f);

        float.IsNaN(g[index]).ShouldBeTrue();
        for (int i = 0; i < g.Length; i++)
        {
            if (i != index)
            {
                Math.Abs(g[i]).ShouldBeLessThanOrEqualTo(1f);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ClipByValue_MatchesScalarClamp(int length)
    {
        float[] g = RandomVector(new Random(11 + length), length, 3f);
        float[] expected = Array.ConvertAll(g, x => Math.Clamp(x, -1.25f, 1.25f));

        GradientClipping.ClipByValue(g, 1.25f);

        g.ShouldBe(expected);
    }

    [Fact]
    public void ClipByValue_LimitZero_ZeroesTheGradients()
    {
        float[] g = [3f, -4f, 0.5f];

        GradientClipping.ClipByValue(g, 0f);

        g.ShouldBe([0f, 0f, 0f]);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ClipByValue_InvalidLimit_ThrowsArgumentOutOfRange_AndLeavesGradientsUnchanged(float limit)
    {
        float[] g = [3f, -4f];

        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(g, limit));

        ex.ParamName.ShouldBe("limit");
        g.ShouldBe([3f, -4f]);
    }

    [Fact]
    public void ClipByValue_DoesNotAllocate()
    {
        float[] g = RandomVector(new Random(9), 1000, 3f);
        GradientClipping.ClipByValue(g, 1f);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                GradientClipping.ClipByValue(g, 0.5f);
            }
        }, iterationsPerWindow: 1);
    }

    // ---- Helpers ----

    private static double ReferenceNorm(float[] values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += (double)value * value;
        }

        return Math.Sqrt(sum);
    }

    private static float[] RandomVector(Random random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2.0 - 1.0) * scale);
        }

        return values;
    }

    private static void ShouldBeRelativelyClose(float actual, double expected, double relativeTolerance)
    {
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(
            relativeTolerance * Math.Abs(expected), $"actual {actual:R}, expected {expected:R}");
    }

    private static void AssertBitwiseEqual(float[] actual, float[] expected)
    {
        actual.Length.ShouldBe(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            BitConverter.SingleToInt32Bits(actual[i]).ShouldBe(BitConverter.SingleToInt32Bits(expected[i]), $"element {i}");
        }
    }
}
