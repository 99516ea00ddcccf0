using System;
using System.Collections.Generic;
using StaticNN.Activations;
using Xunit.Abstractions;
using DoubleReference = StaticNN.Tests.Activations.VectorMathTests.DoubleReference;

namespace StaticNN.Tests.Activations;

/// <summary>
/// Checks <see cref="ActivationGradients.Backward"/> against analytic derivatives and central finite differences
/// of the <see cref="double"/> reference activations, and <see cref="ActivationGradients.SoftmaxBackward"/>
/// against the explicit softmax Jacobian.
/// </summary>
public sealed class ActivationGradientsTests
{
    // Maximum error of the applied derivative, max |delta_out / delta_in - f'(z)| over the test points, asserted
    // per activation. Measured maxima on x64 over the AVX-512, AVX2, SSE and software paths in the comments.
    private const double ReLUMaxError = 0;            // exact (delta or 0)
    private const double LeakyReLUMaxError = 1.5e-8;  // 1.13e-8: one rounding of delta * alpha (also asserted exactly)
    private const double ELUMaxError = 1.7e-7;        // 1.51e-7 (alpha = 1)
    private const double SigmoidMaxError = 3.5e-8;    // 2.99e-8 (a rounded to float)
    private const double TanhMaxError = 1.5e-7;       // 1.37e-7 (a rounded to float)
    private const double GELUMaxError = 2.5e-7;       // 2.19e-7
    private const double SiLUMaxError = 2.5e-7;       // 2.27e-7
    private const double SoftplusMaxError = 1.5e-7;   // 1.34e-7

    // Central differences with h = 1e-4 in double are exact to ~h^2 |f'''| / 6 < 1e-8 on these functions.
    private const double FiniteDifferenceH = 1e-4;
    private const double FiniteDifferenceSlack = 1e-8;

    // |delta_out - J delta| / max_k |delta_k| for the softmax Jacobian-vector product.
    private const double SoftmaxBackwardMaxError = 6e-8;   // 4.5e-8

    private static readonly int[] s_lengths = [1, 7, 8, 9, 15, 16, 17, 33];
    private static readonly int[] s_widths = [1, 3, 7, 8, 9, 15, 16, 17, 33, 100];

    private readonly ITestOutputHelper _output;

    /// <summary>Creates the test class with xunit's output sink for the measured errors.</summary>
    public ActivationGradientsTests(ITestOutputHelper output) => _output = output;

    /// <summary>Activations with an element-wise derivative, with the alpha to use.</summary>
    public static TheoryData<Activation, float> ElementWise => new()
    {
        { Activation.ReLU, 0f },
        { Activation.LeakyReLU, 0.01f },
        { Activation.LeakyReLU, 0.2f },
        { Activation.ELU, 1f },
        { Activation.ELU, 0.5f },
        { Activation.Sigmoid, 0f },
        { Activation.Tanh, 0f },
        { Activation.GELU, 0f },
        { Activation.SiLU, 0f },
        { Activation.Softplus, 0f },
    };

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void Backward_MatchesAnalyticDerivative_ForEveryTailLength(Activation activation, float alpha)
    {
        float[] points = BackwardPoints();
        bool exact = activation is Activation.ReLU or Activation.LeakyReLU;
        var worst = new Worst();
        int[] lengths = [.. s_lengths, points.Length];
        foreach (int n in lengths)
        {
            float[] z = points[..n];
            (float[] deltaIn, float[] deltaOut) = RunBackward(activation, alpha, z, seed: n);
            for (int i = 0; i < n; i++)
            {
                double expected = Derivative(activation, alpha, z[i]);
                double error = Math.Abs(deltaOut[i] - deltaIn[i] * expected) / Math.Abs(deltaIn[i]);
                worst.Add(error, $"length {n}: z = {z[i]:R}, f' = {deltaOut[i] / deltaIn[i]:R}, reference {expected:R}");
                if (exact)
                {
                    // One rounding of delta * f', nothing else.
                    deltaOut[i].ShouldBe((float)(deltaIn[i] * expected), $"{activation}(alpha={alpha}) z = {z[i]:R}");
                }
            }
        }

        _output.WriteLine($"{activation}(alpha={alpha}): max derivative error {worst.Error:E3} ({worst.Where})");
        worst.Error.ShouldBeLessThanOrEqualTo(MaxError(activation), $"{activation}(alpha={alpha}) {worst.Where}");
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void Backward_MatchesCentralFiniteDifferenceOfDoubleReference(Activation activation, float alpha)
    {
        float[] z = BackwardPoints();
        (float[] deltaIn, float[] deltaOut) = RunBackward(activation, alpha, z, seed: 7);
        bool hasKink = activation is Activation.ReLU or Activation.LeakyReLU or Activation.ELU;
        var worst = new Worst();
        int checkedPoints = 0;
        for (int i = 0; i < z.Length; i++)
        {
            if (hasKink && Math.Abs(z[i]) < 2 * FiniteDifferenceH)
            {
                continue;
            }

            double h = FiniteDifferenceH;
            double fd = (Forward(activation, alpha, z[i] + h) - Forward(activation, alpha, z[i] - h)) / (2 * h);
            double error = Math.Abs(deltaOut[i] - deltaIn[i] * fd) / Math.Abs(deltaIn[i]);
            worst.Add(error, $"z = {z[i]:R}, f' = {deltaOut[i] / deltaIn[i]:R}, finite difference {fd:R}");
            checkedPoints++;
        }

        checkedPoints.ShouldBeGreaterThan(8000);
        _output.WriteLine($"{activation}(alpha={alpha}): max |f' - finite difference| {worst.Error:E3} ({worst.Where})");
        worst.Error.ShouldBeLessThanOrEqualTo(MaxError(activation) + FiniteDifferenceSlack, $"{activation}(alpha={alpha}) {worst.Where}");
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void Backward_InfiniteInputs_GiveDerivativeLimits_InVectorAndTailLanes(Activation activation, float alpha)
    {
        // For a-readers the "infinite" inputs are the saturated outputs a = f(+/-inf).
        bool readsA = activation is Activation.ReLU or Activation.Sigmoid or Activation.Tanh;
        float low = readsA ? (float)Forward(activation, alpha, double.NegativeInfinity) : float.NegativeInfinity;
        float high = readsA ? (float)Forward(activation, alpha, double.PositiveInfinity) : float.PositiveInfinity;
        float lowLimit = activation is Activation.LeakyReLU ? alpha : 0f;
        float highLimit = activation is Activation.Sigmoid or Activation.Tanh ? 0f : 1f;

        // 35 elements so both values land in vector lanes and in the scalar tail.
        float[] x = new float[35];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i % 2 == 0 ? low : high;
        }

        float[] delta = new float[x.Length];
        Array.Fill(delta, 3f);
        ActivationGradients.Backward(activation, alpha, readsA ? default : x, readsA ? x : default, delta);
        for (int i = 0; i < x.Length; i++)
        {
            delta[i].ShouldBe(3f * (i % 2 == 0 ? lowLimit : highLimit), $"{activation} at element {i} (input {x[i]})");
        }
    }

    [Theory]
    [InlineData(Activation.ELU)]
    [InlineData(Activation.GELU)]
    [InlineData(Activation.SiLU)]
    [InlineData(Activation.Softplus)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    public void Backward_NaNInput_GivesNaN_OnlyInItsLane(Activation activation)
    {
        bool readsA = activation is Activation.Sigmoid or Activation.Tanh;
        float[] x = new float[35];
        Array.Fill(x, 0.25f);
        x[3] = float.NaN;
        x[34] = float.NaN;
        float[] delta = new float[x.Length];
        Array.Fill(delta, 1f);
        ActivationGradients.Backward(activation, 1f, readsA ? default : x, readsA ? x : default, delta);
        for (int i = 0; i < x.Length; i++)
        {
            float.IsNaN(delta[i]).ShouldBe(i is 3 or 34, $"{activation} element {i}");
        }
    }

    [Fact]
    public void Backward_ReLU_SelectsInsteadOfMultiplying_SoInfiniteDeltaBehindAClosedGateIsZero()
    {
        // 35 elements: vector lanes and scalar tail. Even elements have a = 0 (gate closed), odd ones a = 2.
        float[] a = new float[35];
        float[] delta = new float[35];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = i % 2 == 0 ? 0f : 2f;
            delta[i] = i % 3 == 0 ? float.PositiveInfinity : -1.5f;
        }

        ActivationGradients.Backward(Activation.ReLU, 0f, default, a, delta);
        for (int i = 0; i < a.Length; i++)
        {
            float expected = i % 2 == 0 ? 0f : (i % 3 == 0 ? float.PositiveInfinity : -1.5f);
            delta[i].ShouldBe(expected, $"element {i}");
        }
    }

    [Fact]
    public void Backward_Identity_IsANoOp()
    {
        float[] delta = [1f, -2f, 3.5f, float.NaN, 0f, 7f, 8f, 9f, 10f];
        float[] before = (float[])delta.Clone();
        ActivationGradients.Backward(Activation.Identity, 0.3f, default, default, delta);
        delta.ShouldBe(before);
    }

    [Fact]
    public void Backward_Softmax_ThrowsAndPointsToSoftmaxBackward()
    {
        float[] v = new float[4];
        ArgumentException ex = Should.Throw<ArgumentException>(() => ActivationGradients.Backward(Activation.Softmax, 0f, v, v, v));
        ex.ParamName.ShouldBe("activation");
        ex.Message.ShouldContain("SoftmaxBackward");
    }

    [Fact]
    public void Backward_UndefinedActivation_Throws()
    {
        float[] v = new float[4];
        Should.Throw<ArgumentOutOfRangeException>(() => ActivationGradients.Backward((Activation)42, 0f, v, v, v))
            .ParamName.ShouldBe("activation");
    }

    [Theory]
    [InlineData(Activation.ReLU, "a")]
    [InlineData(Activation.Sigmoid, "a")]
    [InlineData(Activation.Tanh, "a")]
    [InlineData(Activation.LeakyReLU, "z")]
    [InlineData(Activation.ELU, "z")]
    [InlineData(Activation.GELU, "z")]
    [InlineData(Activation.SiLU, "z")]
    [InlineData(Activation.Softplus, "z")]
    public void Backward_WrongLengthOfTheSpanItReads_ThrowsNamingBothLengths(Activation activation, string reads)
    {
        float[] seven = new float[7];
        float[] nine = new float[9];
        float[] delta = new float[8];

        foreach (float[] wrong in new[] { seven, nine, Array.Empty<float>() })
        {
            ArgumentException ex = Should.Throw<ArgumentException>(() =>
                ActivationGradients.Backward(activation, 0.1f, reads == "z" ? wrong : delta, reads == "a" ? wrong : delta, delta));
            ex.ParamName.ShouldBe(reads);
            ex.Message.ShouldContain($"has length {wrong.Length}");
            ex.Message.ShouldContain("expected 8");
        }

        // The span that is not read may be empty.
        ActivationGradients.Backward(activation, 0.1f, reads == "z" ? delta : default, reads == "a" ? delta : default, delta);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void SoftmaxBackward_EveryTailWidth_MatchesExplicitJacobian_AndLeavesPaddingUntouched(int padding)
    {
        var rng = new Random(4242 + padding);
        const int rows = 3;
        double worst = 0;
        foreach (int width in s_widths)
        {
            int stride = width + padding;
            int length = (rows - 1) * stride + width;
            float[] a = new float[length];
            float[] delta = new float[length];

            // NaN padding: if it were read, the row would turn NaN; if written, the bits would change.
            Array.Fill(a, float.NaN);
            Array.Fill(delta, float.NaN);
            var expected = new double[rows][];
            for (int r = 0; r < rows; r++)
            {
                float[] logits = new float[width];
                for (int j = 0; j < width; j++)
                {
                    logits[j] = (float)(rng.NextDouble() * 8 - 4);
                    delta[r * stride + j] = (float)(rng.NextDouble() * 4 - 2);
                }

                double[] p = DoubleReference.Softmax(logits);
                for (int j = 0; j < width; j++)
                {
                    a[r * stride + j] = (float)p[j];
                }

                expected[r] = JacobianTimes(a.AsSpan(r * stride, width), delta.AsSpan(r * stride, width));
            }

            float[] before = (float[])delta.Clone();
            ActivationGradients.SoftmaxBackward(a, delta, rows, stride, width);

            for (int r = 0; r < rows; r++)
            {
                double scale = 0;
                for (int j = 0; j < width; j++)
                {
                    scale = Math.Max(scale, Math.Abs(before[r * stride + j]));
                }

                for (int j = 0; j < width; j++)
                {
                    float actual = delta[r * stride + j];
                    double error = Math.Abs(actual - expected[r][j]) / scale;
                    error.ShouldBeLessThanOrEqualTo(
                        SoftmaxBackwardMaxError, $"width {width} stride {stride} row {r} element {j}: {actual:R} vs {expected[r][j]:R}");
                    worst = Math.Max(worst, error);
                }

                for (int j = r * stride + width; j < Math.Min((r + 1) * stride, length); j++)
                {
                    BitConverter.SingleToInt32Bits(delta[j]).ShouldBe(
                        BitConverter.SingleToInt32Bits(before[j]), $"padding element {j} changed (width {width}, stride {stride})");
                }
            }
        }

        _output.WriteLine($"SoftmaxBackward (padding {padding}): max error / max|delta| {worst:E3}");
    }

    [Fact]
    public void SoftmaxBackward_InvalidArguments_Throw()
    {
        float[] a = new float[20];
        float[] d = new float[20];
        Should.Throw<ArgumentOutOfRangeException>(() => ActivationGradients.SoftmaxBackward(a, d, -1, 5, 5)).ParamName.ShouldBe("rows");
        Should.Throw<ArgumentOutOfRangeException>(() => ActivationGradients.SoftmaxBackward(a, d, 2, 5, -1)).ParamName.ShouldBe("width");
        Should.Throw<ArgumentOutOfRangeException>(() => ActivationGradients.SoftmaxBackward(a, d, 2, 4, 5)).ParamName.ShouldBe("stride");

        ArgumentException shortA = Should.Throw<ArgumentException>(() => ActivationGradients.SoftmaxBackward(a.AsSpan(0, 12), d, 3, 6, 3));
        shortA.ParamName.ShouldBe("a");
        shortA.Message.ShouldContain("length 12");
        shortA.Message.ShouldContain("at least 15");

        ArgumentException shortDelta = Should.Throw<ArgumentException>(() => ActivationGradients.SoftmaxBackward(a, d.AsSpan(0, 14), 3, 6, 3));
        shortDelta.ParamName.ShouldBe("delta");
        shortDelta.Message.ShouldContain("length 14");
        shortDelta.Message.ShouldContain("at least 15");

        // Exactly (rows - 1) * stride + width and the degenerate shapes are accepted.
        ActivationGradients.SoftmaxBackward(a.AsSpan(0, 15), d.AsSpan(0, 15), 3, 6, 3);
        ActivationGradients.SoftmaxBackward(default, default, 0, 0, 0);
        ActivationGradients.SoftmaxBackward(a, d, 4, 5, 0);
    }

    [Fact]
    public void Backward_And_SoftmaxBackward_DoNotAllocate_AfterWarmUp()
    {
        Activation[] activations =
        [
            Activation.Identity, Activation.ReLU, Activation.LeakyReLU, Activation.ELU, Activation.Sigmoid,
            Activation.Tanh, Activation.GELU, Activation.SiLU, Activation.Softplus,
        ];
        const int n = 1000;
        float[] z = new float[n];
        float[] a = new float[n];
        float[] delta = new float[n];
        var rng = new Random(3);
        for (int i = 0; i < n; i++)
        {
            z[i] = (float)(rng.NextDouble() * 10 - 5);
            a[i] = VectorMath.Sigmoid(z[i]);
            delta[i] = 1f;
        }

        float[] softmaxA = new float[4 * 37];
        float[] softmaxDelta = new float[4 * 37];
        Array.Fill(softmaxA, 1f / 33);
        Array.Fill(softmaxDelta, 0.5f);

        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            foreach (Activation activation in activations)
            {
                Array.Fill(delta, 1f);
                ActivationGradients.Backward(activation, 0.1f, z, a, delta);
            }

            ActivationGradients.SoftmaxBackward(softmaxA, softmaxDelta, 4, 37, 33);
        }, iterationsPerWindow: 100);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Tracks the largest error and where it occurred; NaN counts as the largest.</summary>
    private sealed class Worst
    {
        public double Error { get; private set; }

        public string Where { get; private set; } = "no points checked";

        public void Add(double error, string where)
        {
            if (!(error < Error))
            {
                Error = double.IsNaN(error) ? double.PositiveInfinity : error;
                Where = where;
            }
        }
    }

    private static double MaxError(Activation activation) => activation switch
    {
        Activation.ReLU => ReLUMaxError,
        Activation.LeakyReLU => LeakyReLUMaxError,
        Activation.ELU => ELUMaxError,
        Activation.Sigmoid => SigmoidMaxError,
        Activation.Tanh => TanhMaxError,
        Activation.GELU => GELUMaxError,
        Activation.SiLU => SiLUMaxError,
        Activation.Softplus => SoftplusMaxError,
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>The double reference activation.</summary>
    private static double Forward(Activation activation, double alpha, double x) => activation switch
    {
        Activation.ReLU => DoubleReference.ReLU(x),
        Activation.LeakyReLU => DoubleReference.LeakyReLU(x, alpha),
        Activation.ELU => DoubleReference.ELU(x, alpha),
        Activation.Sigmoid => DoubleReference.Sigmoid(x),
        Activation.Tanh => Math.Tanh(x),
        Activation.GELU => DoubleReference.GELU(x),
        Activation.SiLU => DoubleReference.SiLU(x),
        Activation.Softplus => DoubleReference.Softplus(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>The analytic derivative in double, written from the textbook formulas.</summary>
    private static double Derivative(Activation activation, double alpha, double z)
    {
        switch (activation)
        {
            case Activation.ReLU:
                return z > 0 ? 1 : 0;
            case Activation.LeakyReLU:
                return z > 0 ? 1 : alpha;
            case Activation.ELU:
                return z > 0 ? 1 : alpha * Math.Exp(z);
            case Activation.Sigmoid:
            {
                double s = DoubleReference.Sigmoid(z);
                return s * (1 - s);
            }

            case Activation.Tanh:
            {
                double t = Math.Tanh(z);
                return 1 - t * t;
            }

            case Activation.GELU:
            {
                double c = Math.Sqrt(2 / Math.PI);
                double t = Math.Tanh(c * (z + 0.044715 * z * z * z));
                return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z);
            }

            case Activation.SiLU:
            {
                double s = DoubleReference.Sigmoid(z);
                return s + z * s * (1 - s);
            }

            case Activation.Softplus:
                return DoubleReference.Sigmoid(z);
            default:
                throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>
    /// Runs Backward on <paramref name="z"/> with a = f(z) rounded to float and a seeded random delta of magnitude
    /// in [0.5, 2] and random sign. Passes an empty span for the input the activation does not read.
    /// </summary>
    private static (float[] DeltaIn, float[] DeltaOut) RunBackward(Activation activation, float alpha, float[] z, int seed)
    {
        var rng = new Random(seed);
        float[] a = new float[z.Length];
        float[] delta = new float[z.Length];
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = (float)Forward(activation, alpha, z[i]);
            delta[i] = (float)((0.5 + 1.5 * rng.NextDouble()) * (rng.Next(2) == 0 ? -1 : 1));
        }

        float[] deltaIn = (float[])delta.Clone();
        bool readsA = activation is Activation.ReLU or Activation.Sigmoid or Activation.Tanh;
        ActivationGradients.Backward(activation, alpha, readsA ? default : z, readsA ? a : default, delta);
        return (deltaIn, delta);
    }

    /// <summary>8,001 points on [-20, 20] (step 0.005, with exact 0) plus tails and small magnitudes, shuffled.</summary>
    private static float[] BackwardPoints()
    {
        var list = new List<float>();
        for (int i = -4000; i <= 4000; i++)
        {
            list.Add((float)(i * 0.005));
        }

        foreach (float v in new[] { 1e-3f, 3e-4f, 1e-6f, 1e-20f, 30f, 50f, 87.5f, 88f, 89f, 100f, 120f, 200f, })
        {
            list.Add(v);
            list.Add(-v);
        }

        float[] points = list.ToArray();
        new Random(777).Shuffle(points);
        return points;
    }

    private static double[] JacobianTimes(ReadOnlySpan<float> a, ReadOnlySpan<float> delta)
    {
        int n = a.Length;
        double[] result = new double[n];
        for (int k = 0; k < n; k++)
        {
            // dL/dz_k = sum_j dL/da_j * J[j, k], J[j, k] = d softmax_j / d z_k = a_j (I[j, k] - a_k).
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                double jacobian = (j == k ? (double)a[j] : 0) - (double)a[j] * a[k];
                sum += delta[j] * jacobian;
            }

            result[k] = sum;
        }

        return result;
    }
}
