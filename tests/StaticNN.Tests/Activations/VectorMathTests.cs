using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using StaticNN.Activations;
using Xunit.Abstractions;

namespace StaticNN.Tests.Activations;

/// <summary>
/// Checks every <see cref="VectorMath"/> function and overload against a <see cref="double"/> reference on a dense
/// grid plus extremes, and the row softmax against a <see cref="double"/> softmax.
/// </summary>
public sealed class VectorMathTests
{
    // Maximum errors asserted, one per function and metric, covering all four overloads. Measured maxima on x64
    // (AVX-512; AVX2 and SSE give the same; the software path, DOTNET_EnableHWIntrinsic=0, computes the vector
    // Exp with MathF and matches the float overload) are in the comments as "vector / float".
    // "Scaled" = |f - ref| / max(1, |ref|); "relative" = |f - ref| / max(|ref|, 2^-126).
    private const double ReLUMaxError = 0;              // exact
    private const double LeakyReLUMaxError = 0;         // exact: one rounding of alpha * x
    private const double ELUMaxScaledError = 1.2e-7;    // 1.04e-7 / 4.5e-8 (alpha = 1)
    private const double ELUMaxRelError = 4.5e-7;       // 3.98e-7 / 1.19e-7
    private const double SigmoidMaxAbsError = 1e-7;     // 8.8e-8 / 8.8e-8
    private const double TanhMaxAbsError = 1e-7;        // 7.9e-8 / 8.3e-8
    private const double TanhMaxRelError = 1.5e-7;      // 1.35e-7 / 1.32e-7, near 0 included
    private const double GELUMaxScaledError = 1.3e-7;   // 1.12e-7 / 1.12e-7
    private const double SiLUMaxScaledError = 1.3e-7;   // 1.16e-7 / 1.16e-7
    private const double SoftplusMaxRelError = 3e-7;    // 2.63e-7 / 1.81e-7

    // Softmax per element: relative error <= SoftmaxMaxRelError + 2^-24 (max - x_i); the second term is the
    // rounding of x_i - max in float, which exp turns into a relative error.
    private const double SoftmaxMaxRelError = 4e-7;     // 3.26e-7 (Softmax and SoftmaxRows, all paths)
    private const double SoftmaxMaxSumError = 3e-7;     // 2.52e-7 for |sum - 1| (software path; 1.4e-7 with SIMD)

    private static readonly int[] s_widths = [1, 3, 7, 8, 9, 15, 16, 17, 33, 100];

    private readonly ITestOutputHelper _output;

    /// <summary>Creates the test class with xunit's output sink for the measured errors.</summary>
    public VectorMathTests(ITestOutputHelper output) => _output = output;

    // ------------------------------------------------------------------ element-wise functions

    [Fact]
    public void ReLU_AllOverloads_AreExact()
    {
        CheckAllOverloads("ReLU", VectorMath.ReLU, VectorMath.ReLU, VectorMath.ReLU, VectorMath.ReLU,
            DoubleReference.ReLU, Metric.ExactAfterRounding, ReLUMaxError);
    }

    [Theory]
    [InlineData(0.01f)]
    [InlineData(0.2f)]
    public void LeakyReLU_AllOverloads_AreExact(float alpha)
    {
        CheckAllOverloads($"LeakyReLU(alpha={alpha})",
            x => VectorMath.LeakyReLU(x, alpha), x => VectorMath.LeakyReLU(x, alpha),
            x => VectorMath.LeakyReLU(x, alpha), x => VectorMath.LeakyReLU(x, alpha),
            x => DoubleReference.LeakyReLU(x, alpha), Metric.ExactAfterRounding, LeakyReLUMaxError);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void ELU_AllOverloads_WithinScaledBound(float alpha)
    {
        CheckAllOverloads($"ELU(alpha={alpha})",
            x => VectorMath.ELU(x, alpha), x => VectorMath.ELU(x, alpha),
            x => VectorMath.ELU(x, alpha), x => VectorMath.ELU(x, alpha),
            x => DoubleReference.ELU(x, alpha), Metric.Scaled, ELUMaxScaledError);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void ELU_AllOverloads_WithinRelativeBound_AndKeepSignNearZero(float alpha)
    {
        CheckAllOverloads($"ELU(alpha={alpha})",
            x => VectorMath.ELU(x, alpha), x => VectorMath.ELU(x, alpha),
            x => VectorMath.ELU(x, alpha), x => VectorMath.ELU(x, alpha),
            x => DoubleReference.ELU(x, alpha), Metric.Relative, ELUMaxRelError);
    }

    [Fact]
    public void Sigmoid_AllOverloads_WithinAbsoluteBound()
    {
        CheckAllOverloads("Sigmoid", VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid,
            DoubleReference.Sigmoid, Metric.Absolute, SigmoidMaxAbsError);
    }

    [Fact]
    public void Tanh_AllOverloads_WithinAbsoluteBound()
    {
        CheckAllOverloads("Tanh", VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh,
            Math.Tanh, Metric.Absolute, TanhMaxAbsError);
    }

    [Fact]
    public void Tanh_AllOverloads_WithinRelativeBound_IncludingNearZero()
    {
        CheckAllOverloads("Tanh", VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh,
            Math.Tanh, Metric.Relative, TanhMaxRelError);
    }

    [Fact]
    public void GELU_AllOverloads_WithinScaledBound()
    {
        CheckAllOverloads("GELU", VectorMath.GELU, VectorMath.GELU, VectorMath.GELU, VectorMath.GELU,
            DoubleReference.GELU, Metric.Scaled, GELUMaxScaledError);
    }

    [Fact]
    public void SiLU_AllOverloads_WithinScaledBound()
    {
        CheckAllOverloads("SiLU", VectorMath.SiLU, VectorMath.SiLU, VectorMath.SiLU, VectorMath.SiLU,
            DoubleReference.SiLU, Metric.Scaled, SiLUMaxScaledError);
    }

    [Fact]
    public void Softplus_AllOverloads_WithinRelativeBound()
    {
        CheckAllOverloads("Softplus", VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus,
            DoubleReference.Softplus, Metric.Relative, SoftplusMaxRelError);
    }

    [Fact]
    public void Tanh_AllOverloads_AreOddBitForBit()
    {
        float[] points = TestPoints.Create();
        float[] negated = Array.ConvertAll(points, x => -x);
        foreach ((string overload, float[] pos, float[] neg) in new[]
        {
            ("Vector512", Eval512(VectorMath.Tanh, points), Eval512(VectorMath.Tanh, negated)),
            ("Vector256", Eval256(VectorMath.Tanh, points), Eval256(VectorMath.Tanh, negated)),
            ("Vector128", Eval128(VectorMath.Tanh, points), Eval128(VectorMath.Tanh, negated)),
            ("float", Array.ConvertAll(points, VectorMath.Tanh), Array.ConvertAll(negated, VectorMath.Tanh)),
        })
        {
            for (int i = 0; i < points.Length; i++)
            {
                if (float.IsNaN(points[i]))
                {
                    continue;
                }

                BitConverter.SingleToInt32Bits(neg[i]).ShouldBe(
                    BitConverter.SingleToInt32Bits(-pos[i]),
                    $"{overload}: Tanh({-points[i]:R}) = {neg[i]:R} but -Tanh({points[i]:R}) = {-pos[i]:R}");
            }
        }
    }

    [Fact]
    public void SpecialValues_SaturateExactly_InEveryOverload()
    {
        AssertAll("Tanh(100)", 1f, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, 100f);
        AssertAll("Tanh(-100)", -1f, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, -100f);
        AssertAll("Tanh(+inf)", 1f, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, float.PositiveInfinity);
        AssertAll("Sigmoid(100)", 1f, VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid, 100f);
        AssertAll("Sigmoid(-100)", 0f, VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid, -100f);
        AssertAll("Softplus(100)", 100f, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, 100f);
        AssertAll("Softplus(-inf)", 0f, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, float.NegativeInfinity);
        AssertAll("GELU(-inf)", 0f, VectorMath.GELU, VectorMath.GELU, VectorMath.GELU, VectorMath.GELU, float.NegativeInfinity);
        AssertAll("GELU(+inf)", float.PositiveInfinity, VectorMath.GELU, VectorMath.GELU, VectorMath.GELU, VectorMath.GELU, float.PositiveInfinity);
        AssertAll("SiLU(-inf)", 0f, VectorMath.SiLU, VectorMath.SiLU, VectorMath.SiLU, VectorMath.SiLU, float.NegativeInfinity);
        AssertAll("ELU(-inf)", -0.5f, x => VectorMath.ELU(x, 0.5f), x => VectorMath.ELU(x, 0.5f),
            x => VectorMath.ELU(x, 0.5f), x => VectorMath.ELU(x, 0.5f), float.NegativeInfinity);

        // Softplus(-100) is the subnormal nearest exp(-100) = 3.72e-44, not 0.
        AssertAll("Softplus(-100)", 3.78e-44f, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, -100f);
    }

    [Fact]
    public void NaN_GivesNaN_ForEveryFunctionAndOverload_WithoutTouchingOtherLanes()
    {
        var functions = new (string Name, Func<Vector512<float>, Vector512<float>> V512, Func<Vector256<float>, Vector256<float>> V256,
            Func<Vector128<float>, Vector128<float>> V128, Func<float, float> Scalar)[]
        {
            ("ReLU", VectorMath.ReLU, VectorMath.ReLU, VectorMath.ReLU, VectorMath.ReLU),
            ("LeakyReLU", x => VectorMath.LeakyReLU(x, 0.01f), x => VectorMath.LeakyReLU(x, 0.01f), x => VectorMath.LeakyReLU(x, 0.01f), x => VectorMath.LeakyReLU(x, 0.01f)),
            ("ELU", x => VectorMath.ELU(x, 1f), x => VectorMath.ELU(x, 1f), x => VectorMath.ELU(x, 1f), x => VectorMath.ELU(x, 1f)),
            ("Sigmoid", VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid, VectorMath.Sigmoid),
            ("Tanh", VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh, VectorMath.Tanh),
            ("GELU", VectorMath.GELU, VectorMath.GELU, VectorMath.GELU, VectorMath.GELU),
            ("SiLU", VectorMath.SiLU, VectorMath.SiLU, VectorMath.SiLU, VectorMath.SiLU),
            ("Softplus", VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus, VectorMath.Softplus),
        };

        foreach (var f in functions)
        {
            float.IsNaN(f.Scalar(float.NaN)).ShouldBeTrue($"{f.Name}(float NaN)");

            // NaN in one lane at a time; the other lanes hold 1.5 and must give f(1.5).
            float expected = f.Scalar(1.5f);
            for (int lane = 0; lane < Vector512<float>.Count; lane++)
            {
                float[] input = new float[Vector512<float>.Count];
                Array.Fill(input, 1.5f);
                input[lane] = float.NaN;
                CheckNaNLane(f.Name, "Vector512", lane, expected, Eval512(f.V512, input));
                if (lane < Vector256<float>.Count)
                {
                    CheckNaNLane(f.Name, "Vector256", lane, expected, Eval256(f.V256, input[..Vector256<float>.Count]));
                }

                if (lane < Vector128<float>.Count)
                {
                    CheckNaNLane(f.Name, "Vector128", lane, expected, Eval128(f.V128, input[..Vector128<float>.Count]));
                }
            }
        }
    }

    // ------------------------------------------------------------------ softmax

    [Fact]
    public void Softmax_EveryTailWidth_MatchesDoubleReference_AndSumsToOne()
    {
        var rng = new Random(1234);
        double worstRel = 0, worstSum = 0;
        foreach (int width in s_widths)
        {
            float[] row = RandomArray(rng, width, -10, 10);
            double[] expected = DoubleReference.Softmax(row);
            float[] logits = (float[])row.Clone();
            VectorMath.Softmax(row);
            (double rel, double sumErr) = CompareSoftmax(logits, row, expected, $"width {width}");
            worstRel = Math.Max(worstRel, rel);
            worstSum = Math.Max(worstSum, sumErr);
        }

        _output.WriteLine($"Softmax: max relative error {worstRel:E3}, max |sum - 1| {worstSum:E3}");
    }

    [Fact]
    public void Softmax_HugeInputs_DoNotOverflow()
    {
        float[] row = [1000f, 1001f, 999.5f, -1000f, 1001f, 0f, 998f, 1000.25f, 1001f, 999f, 1000f, 997f, 1001f, 996f, 1000.5f, 1000.75f, 3e38f, 2.9e38f];
        float[] logits = (float[])row.Clone();
        double[] expected = DoubleReference.Softmax(row);
        VectorMath.Softmax(row);
        foreach (float p in row)
        {
            float.IsFinite(p).ShouldBeTrue();
        }

        CompareSoftmax(logits, row, expected, "huge inputs");
        row[16].ShouldBe(1f);

        float[] moderate = [1000f, 1001f, 999.5f, -1000f, 1001f, 0f, 998f, 1000.25f, 1001f, 999f, 1000f, 997f, 1001f, 996f, 1000.5f, 1000.75f, 1001f];
        logits = (float[])moderate.Clone();
        expected = DoubleReference.Softmax(moderate);
        VectorMath.Softmax(moderate);
        CompareSoftmax(logits, moderate, expected, "inputs around 1000");
        moderate[1].ShouldBe(moderate[16]);
    }

    [Fact]
    public void Softmax_NegativeInfinityEntries_GiveZero_AndEmptyRowIsANoOp()
    {
        float[] row = [1f, float.NegativeInfinity, 2f, 3f, float.NegativeInfinity, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, float.NegativeInfinity];
        float[] logits = (float[])row.Clone();
        double[] expected = DoubleReference.Softmax(row);
        VectorMath.Softmax(row);
        row[1].ShouldBe(0f);
        row[4].ShouldBe(0f);
        row[16].ShouldBe(0f);
        CompareSoftmax(logits, row, expected, "-inf entries");

        VectorMath.Softmax(Span<float>.Empty);
    }

    [Fact]
    public void SoftmaxRows_EveryTailWidth_MatchesReference_AndLeavesPaddingUntouched()
    {
        var rng = new Random(99);
        const int rows = 3;
        double worstRel = 0, worstSum = 0;
        foreach (int width in s_widths)
        {
            foreach (int padding in new[] { 0, 3, 16 })
            {
                int stride = width + padding;

                // No padding after the last row: the span is exactly (rows - 1) * stride + width long.
                float[] matrix = new float[(rows - 1) * stride + width];
                Array.Fill(matrix, float.NaN);
                var expected = new double[rows][];
                var logits = new float[rows][];
                for (int r = 0; r < rows; r++)
                {
                    logits[r] = RandomArray(rng, width, -15, 15);
                    logits[r].CopyTo(matrix, r * stride);
                    expected[r] = DoubleReference.Softmax(logits[r]);
                }

                float[] before = (float[])matrix.Clone();
                VectorMath.SoftmaxRows(matrix, rows, stride, width);

                for (int r = 0; r < rows; r++)
                {
                    (double rel, double sumErr) = CompareSoftmax(logits[r], matrix.AsSpan(r * stride, width).ToArray(), expected[r], $"width {width} stride {stride} row {r}");
                    worstRel = Math.Max(worstRel, rel);
                    worstSum = Math.Max(worstSum, sumErr);
                    for (int j = r * stride + width; j < Math.Min((r + 1) * stride, matrix.Length); j++)
                    {
                        BitConverter.SingleToInt32Bits(matrix[j]).ShouldBe(
                            BitConverter.SingleToInt32Bits(before[j]), $"padding element {j} changed (width {width}, stride {stride})");
                    }
                }
            }
        }

        _output.WriteLine($"SoftmaxRows: max relative error {worstRel:E3}, max |sum - 1| {worstSum:E3}");
    }

    [Fact]
    public void SoftmaxRows_InvalidArguments_Throw()
    {
        float[] m = new float[20];
        Should.Throw<ArgumentOutOfRangeException>(() => VectorMath.SoftmaxRows(m, -1, 5, 5)).ParamName.ShouldBe("rows");
        Should.Throw<ArgumentOutOfRangeException>(() => VectorMath.SoftmaxRows(m, 2, 5, -1)).ParamName.ShouldBe("width");
        Should.Throw<ArgumentOutOfRangeException>(() => VectorMath.SoftmaxRows(m, 2, 4, 5)).ParamName.ShouldBe("stride");

        ArgumentException tooShort = Should.Throw<ArgumentException>(() => VectorMath.SoftmaxRows(m, 4, 6, 3));
        tooShort.ParamName.ShouldBe("matrix");
        tooShort.Message.ShouldContain("length 20");
        tooShort.Message.ShouldContain("at least 21");

        // Zero rows or zero width touch nothing, and (rows - 1) * stride + width = 20 fits exactly.
        VectorMath.SoftmaxRows(m, 0, 5, 5);
        VectorMath.SoftmaxRows(Span<float>.Empty, 0, 0, 0);
        VectorMath.SoftmaxRows(m, 4, 5, 0);
        VectorMath.SoftmaxRows(m, 4, 6, 2);
        m[1].ShouldBe(0.5f);
    }

    [Fact]
    public void Softmax_And_SoftmaxRows_DoNotAllocate_AfterWarmUp()
    {
        float[] row = RandomArray(new Random(5), 100, -5, 5);
        float[] matrix = RandomArray(new Random(6), 4 * 37, -5, 5);
        VectorMath.Softmax(row);
        VectorMath.SoftmaxRows(matrix, 4, 37, 33);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 200; k++)
        {
            VectorMath.Softmax(row);
            VectorMath.SoftmaxRows(matrix, 4, 37, 33);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.ShouldBe(0L);
    }

    // ------------------------------------------------------------------ helpers

    internal enum Metric
    {
        /// <summary>|f - ref|.</summary>
        Absolute,

        /// <summary>|f - ref| / max(1, |ref|).</summary>
        Scaled,

        /// <summary>|f - ref| / max(|ref|, 2^-126).</summary>
        Relative,

        /// <summary>0 when f equals ref rounded to float, otherwise |f - ref| / max(1, |ref|).</summary>
        ExactAfterRounding,
    }

    internal static double Error(float y, double reference, Metric metric)
    {
        if (double.IsNaN(reference) || float.IsNaN(y))
        {
            return double.IsNaN(reference) && float.IsNaN(y) ? 0 : double.PositiveInfinity;
        }

        if (double.IsInfinity(reference) || float.IsInfinity(y))
        {
            return y == reference ? 0 : double.PositiveInfinity;
        }

        double d = Math.Abs(y - reference);
        return metric switch
        {
            Metric.Absolute => d,
            Metric.Scaled => d / Math.Max(1, Math.Abs(reference)),
            Metric.Relative => d / Math.Max(Math.Abs(reference), TestPoints.MinNormal),
            Metric.ExactAfterRounding => y == (float)reference ? 0 : d / Math.Max(1, Math.Abs(reference)),
            _ => throw new ArgumentOutOfRangeException(nameof(metric)),
        };
    }

    private void CheckAllOverloads(
        string name,
        Func<Vector512<float>, Vector512<float>> v512,
        Func<Vector256<float>, Vector256<float>> v256,
        Func<Vector128<float>, Vector128<float>> v128,
        Func<float, float> scalar,
        Func<double, double> reference,
        Metric metric,
        double bound)
    {
        float[] points = TestPoints.Create();
        Check(name, "Vector512", points, Eval512(v512, points), reference, metric, bound);
        Check(name, "Vector256", points, Eval256(v256, points), reference, metric, bound);
        Check(name, "Vector128", points, Eval128(v128, points), reference, metric, bound);
        Check(name, "float", points, Array.ConvertAll(points, x => scalar(x)), reference, metric, bound);
    }

    private void Check(string name, string overload, float[] points, float[] results, Func<double, double> reference, Metric metric, double bound)
    {
        double worst = -1;
        int worstIndex = 0;
        for (int i = 0; i < points.Length; i++)
        {
            double e = Error(results[i], reference(points[i]), metric);
            if (!(e <= worst))
            {
                worst = e;
                worstIndex = i;
            }
        }

        float x = points[worstIndex];
        _output.WriteLine($"{name} {overload}: max {metric} error {worst:E3} at x = {x:R}");
        worst.ShouldBeLessThanOrEqualTo(
            bound,
            $"{name} {overload}: x = {x:R} gives {results[worstIndex]:R}, reference {reference(x):R} ({metric} error {worst:E3} > {bound:E3})");
    }

    internal static float[] Eval512(Func<Vector512<float>, Vector512<float>> f, float[] points)
    {
        int n = Vector512<float>.Count;
        float[] results = new float[points.Length];
        float[] lanes = new float[n];
        for (int k = 0; k < points.Length; k += n)
        {
            for (int l = 0; l < n; l++)
            {
                lanes[l] = points[(k + l) % points.Length];
            }

            Vector512<float> y = f(Vector512.Create(lanes));
            for (int l = 0; l < n && k + l < points.Length; l++)
            {
                results[k + l] = y.GetElement(l);
            }
        }

        return results;
    }

    internal static float[] Eval256(Func<Vector256<float>, Vector256<float>> f, float[] points)
    {
        int n = Vector256<float>.Count;
        float[] results = new float[points.Length];
        float[] lanes = new float[n];
        for (int k = 0; k < points.Length; k += n)
        {
            for (int l = 0; l < n; l++)
            {
                lanes[l] = points[(k + l) % points.Length];
            }

            Vector256<float> y = f(Vector256.Create(lanes));
            for (int l = 0; l < n && k + l < points.Length; l++)
            {
                results[k + l] = y.GetElement(l);
            }
        }

        return results;
    }

    internal static float[] Eval128(Func<Vector128<float>, Vector128<float>> f, float[] points)
    {
        int n = Vector128<float>.Count;
        float[] results = new float[points.Length];
        float[] lanes = new float[n];
        for (int k = 0; k < points.Length; k += n)
        {
            for (int l = 0; l < n; l++)
            {
                lanes[l] = points[(k + l) % points.Length];
            }

            Vector128<float> y = f(Vector128.Create(lanes));
            for (int l = 0; l < n && k + l < points.Length; l++)
            {
                results[k + l] = y.GetElement(l);
            }
        }

        return results;
    }

    private static void AssertAll(
        string what,
        float expected,
        Func<Vector512<float>, Vector512<float>> v512,
        Func<Vector256<float>, Vector256<float>> v256,
        Func<Vector128<float>, Vector128<float>> v128,
        Func<float, float> scalar,
        float x)
    {
        foreach ((string overload, float actual) in new[]
        {
            ("Vector512", v512(Vector512.Create(x)).GetElement(Vector512<float>.Count - 1)),
            ("Vector256", v256(Vector256.Create(x)).GetElement(Vector256<float>.Count - 1)),
            ("Vector128", v128(Vector128.Create(x)).GetElement(Vector128<float>.Count - 1)),
            ("float", scalar(x)),
        })
        {
            actual.ShouldBe(expected, $"{what} ({overload})");
        }
    }

    private static void CheckNaNLane(string name, string overload, int nanLane, float expected, float[] results)
    {
        for (int l = 0; l < results.Length; l++)
        {
            if (l == nanLane)
            {
                float.IsNaN(results[l]).ShouldBeTrue($"{name} {overload}: NaN in lane {l} gave {results[l]:R}");
            }
            else
            {
                Math.Abs(results[l] - expected).ShouldBeLessThanOrEqualTo(
                    1e-6f, $"{name} {overload}: lane {l} (input 1.5) gave {results[l]:R} next to a NaN lane");
            }
        }
    }

    /// <summary>
    /// Asserts the per-element bound and the sum; returns the largest relative error net of the
    /// 2^-24 (max - x_i) allowance, and |sum - 1|.
    /// </summary>
    private static (double MaxRel, double SumError) CompareSoftmax(float[] logits, float[] actual, double[] expected, string what)
    {
        float max = float.NegativeInfinity;
        foreach (float x in logits)
        {
            max = MathF.Max(max, x);
        }

        double maxRel = 0, sum = 0;
        for (int j = 0; j < actual.Length; j++)
        {
            double allowance = float.IsNegativeInfinity(logits[j]) ? 0 : Math.ScaleB((double)max - logits[j], -24);
            double e = Error(actual[j], expected[j], Metric.Relative) - allowance;
            e.ShouldBeLessThanOrEqualTo(
                SoftmaxMaxRelError, $"Softmax {what}: element {j} (logit {logits[j]:R}) is {actual[j]:R}, reference {expected[j]:R}");
            maxRel = Math.Max(maxRel, e);
            sum += actual[j];
        }

        double sumError = Math.Abs(sum - 1);
        sumError.ShouldBeLessThanOrEqualTo(SoftmaxMaxSumError, $"Softmax {what}: sum is {sum:R}");
        return (maxRel, sumError);
    }

    private static float[] RandomArray(Random rng, int n, double min, double max)
    {
        float[] a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)(min + (max - min) * rng.NextDouble());
        }

        return a;
    }

    /// <summary>The test inputs: a dense grid, log-spaced magnitudes and special values, shuffled.</summary>
    internal static class TestPoints
    {
        /// <summary>The smallest positive normal float, 2^-126.</summary>
        public const float MinNormal = 1.17549435E-38f;

        private static float[]? s_points;

        /// <summary>
        /// 20,001 points on [-20, 20] (step 0.002, with exact 0), +/-10^(k/100) for k in [-4500, 200] (small magnitudes
        /// for relative accuracy, 20..100 for saturation), and the extremes -100, -88, 88, 100, +/-89, +/-0.625 and its
        /// neighbours, +/-MaxValue, +/-MinNormal, subnormals, +/-0, +/-inf and NaN. Shuffled with a fixed seed so every vector
        /// lane sees values far from its neighbours'.
        /// </summary>
        public static float[] Create()
        {
            if (s_points is not null)
            {
                return s_points;
            }

            var list = new List<float>();
            for (int i = -10000; i <= 10000; i++)
            {
                list.Add((float)(i * 0.002));
            }

            for (int k = -4500; k <= 200; k++)
            {
                float m = (float)Math.Pow(10, k / 100.0);
                list.Add(m);
                list.Add(-m);
            }

            float[] extremes =
            [
                -100f, -88f, 88f, 100f, -89f, 89f, -87.5f, 87.5f, 0.625f, -0.625f,
                MathF.BitDecrement(0.625f), MathF.BitIncrement(0.625f), -MathF.BitDecrement(0.625f), -MathF.BitIncrement(0.625f),
                float.MaxValue, -float.MaxValue, TestPoints.MinNormal, -TestPoints.MinNormal, float.Epsilon, -float.Epsilon,
                1e-40f, -1e-40f, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
            ];
            list.AddRange(extremes);

            float[] points = list.ToArray();
            new Random(20251).Shuffle(points);
            s_points = points;
            return points;
        }
    }

    /// <summary>Double-precision reference activations and softmax (limits at +/-inf where the formula gives NaN).</summary>
    internal static class DoubleReference
    {
        public static double ReLU(double x) => double.IsNaN(x) ? double.NaN : Math.Max(x, 0);

        public static double LeakyReLU(double x, double alpha) => x > 0 ? x : alpha * x;

        public static double ELU(double x, double alpha) => x > 0 ? x : alpha * ExpM1(x);

        /// <summary>exp(x) - 1 with a 3-term series where the subtraction would lose digits.</summary>
        public static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;

        public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

        public static double GELU(double x) =>
            double.IsNegativeInfinity(x) ? 0 : 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

        public static double SiLU(double x) => double.IsNegativeInfinity(x) ? 0 : x / (1 + Math.Exp(-x));

        public static double Softplus(double x)
        {
            if (double.IsNaN(x))
            {
                return double.NaN;
            }

            // log1p(t) for t = exp(-|x|) in (0, 1]: a 3-term series where 1 + t would lose digits.
            double t = Math.Exp(-Math.Abs(x));
            double log1p = t < 1e-5 ? t - t * t / 2 + t * t * t / 3 : Math.Log(1 + t);
            return Math.Max(x, 0) + log1p;
        }

        public static double[] Softmax(float[] row)
        {
            double max = double.NegativeInfinity;
            foreach (float v in row)
            {
                max = Math.Max(max, v);
            }

            double[] e = new double[row.Length];
            double sum = 0;
            for (int i = 0; i < row.Length; i++)
            {
                e[i] = Math.Exp(row[i] - max);
                sum += e[i];
            }

            for (int i = 0; i < row.Length; i++)
            {
                e[i] /= sum;
            }

            return e;
        }
    }
}
