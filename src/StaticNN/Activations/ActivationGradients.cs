using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Activations;

/// <summary>
/// Backward pass of the activations: multiplies an upstream gradient by the activation's derivative, in place.
/// </summary>
/// <remarks>
/// Error bounds quoted in the method docs are the maximum errors of the derivative measured by
/// <c>StaticNN.Tests.Activations.ActivationGradientsTests</c> against the analytic derivative in
/// <see cref="double"/>, that is <c>max |delta_out / delta_in - f'(z)|</c> over 8,001 points on [-20, 20] plus tails,
/// on the AVX-512, AVX2, SSE and software paths. The same tests check every derivative against central finite
/// differences (h = 1e-4) of the double-precision activations.
/// </remarks>
public static class ActivationGradients
{
    // GELU derivative: 2u = x * (GeluA + GeluB x^2), d(2u)/dx = x * (GeluA + 3 GeluB x^2).
    private const float GeluA = 1.5957691216057308f;          // 2 * sqrt(2/pi)
    private const float GeluB = 0.0713548162726009f;          // 2 * sqrt(2/pi) * 0.044715
    private const float GeluB3 = 0.2140644488178027f;         // 3 * GeluB

    // Beyond these, the float derivatives are exactly 0 (below) or 1 (above); clamping keeps
    // infinite inputs from producing inf * 0 = NaN.
    private const float GeluClamp = 20f;
    private const float SiLUClamp = 120f;

    /// <summary>
    /// Multiplies <paramref name="delta"/> in place by the derivative of <paramref name="activation"/>:
    /// <c>delta[i] *= f'(z[i])</c> for every <c>i &lt; delta.Length</c>.
    /// </summary>
    /// <remarks>
    /// <para>Which input is read, and the formula:</para>
    /// <list type="bullet">
    /// <item><description><see cref="Activation.Identity"/>: nothing is read; no-op.</description></item>
    /// <item><description><see cref="Activation.ReLU"/>: <c>a &gt; 0 ? delta : 0</c> (reads <paramref name="a"/>; exact).</description></item>
    /// <item><description><see cref="Activation.Sigmoid"/>: <c>a (1 - a)</c> (reads <paramref name="a"/>; error 3.0e-8).</description></item>
    /// <item><description><see cref="Activation.Tanh"/>: <c>(1 - a)(1 + a) = 1 - a^2</c> (reads <paramref name="a"/>; error 1.37e-7).</description></item>
    /// <item><description><see cref="Activation.LeakyReLU"/>: <c>z &gt; 0 ? 1 : alpha</c> (reads <paramref name="z"/>; exact up to the one rounding of <c>delta * alpha</c>).</description></item>
    /// <item><description><see cref="Activation.ELU"/>: <c>z &gt; 0 ? 1 : alpha exp(z)</c> (reads <paramref name="z"/>; error 1.51e-7 for alpha = 1).</description></item>
    /// <item><description><see cref="Activation.GELU"/>: exact derivative of the tanh form,
    /// <c>s (1 + g (1 - s))</c> with <c>s = sigmoid(2u) = 0.5 (1 + tanh(u))</c>, <c>u = sqrt(2/pi)(z + 0.044715 z^3)</c>,
    /// <c>g = z d(2u)/dz</c> (reads <paramref name="z"/>; error 2.19e-7).</description></item>
    /// <item><description><see cref="Activation.SiLU"/>: <c>s + z s (1 - s)</c>, <c>s = sigmoid(z)</c> (reads <paramref name="z"/>; error 2.27e-7).</description></item>
    /// <item><description><see cref="Activation.Softplus"/>: <c>sigmoid(z)</c> (reads <paramref name="z"/>; error 1.34e-7).</description></item>
    /// </list>
    /// <para>
    /// The span that is not read may be empty. <c>1 - s</c> is computed without cancellation, so derivatives keep
    /// relative accuracy in the tails. Infinite <paramref name="z"/> gives the limits of the derivative (0, 1 or alpha);
    /// NaN in the read input gives NaN, except for ReLU and LeakyReLU whose masks treat NaN as "not positive".
    /// Vectorised with <see cref="Vector512"/>, <see cref="Vector256"/> or <see cref="Vector128"/>, whichever is
    /// hardware accelerated, with a scalar loop for the tail. Does not allocate.
    /// </para>
    /// </remarks>
    /// <param name="activation">The activation whose derivative is applied.</param>
    /// <param name="alpha">The activation parameter (LeakyReLU slope, ELU scale); ignored by the others.</param>
    /// <param name="z">Pre-activation values; must have <c>delta.Length</c> elements when read.</param>
    /// <param name="a">Activation outputs <c>f(z)</c>; must have <c>delta.Length</c> elements when read.</param>
    /// <param name="delta">Upstream gradient dL/da on input, dL/dz on output.</param>
    /// <exception cref="ArgumentException">
    /// The span that is read does not have <c>delta.Length</c> elements, or <paramref name="activation"/> is
    /// <see cref="Activation.Softmax"/> (use <see cref="SoftmaxBackward"/>).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined value.</exception>
    public static void Backward(Activation activation, float alpha, ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> delta)
    {
        switch (activation)
        {
            case Activation.Identity:
                return;
            case Activation.ReLU:
                CheckLength(a.Length, delta.Length, nameof(a));
                Run<ReLUOp>(a, delta, alpha);
                return;
            case Activation.Sigmoid:
                CheckLength(a.Length, delta.Length, nameof(a));
                Run<SigmoidOp>(a, delta, alpha);
                return;
            case Activation.Tanh:
                CheckLength(a.Length, delta.Length, nameof(a));
                Run<TanhOp>(a, delta, alpha);
                return;
            case Activation.LeakyReLU:
                CheckLength(z.Length, delta.Length, nameof(z));
                Run<LeakyReLUOp>(z, delta, alpha);
                return;
            case Activation.ELU:
                CheckLength(z.Length, delta.Length, nameof(z));
                Run<ELUOp>(z, delta, alpha);
                return;
            case Activation.GELU:
                CheckLength(z.Length, delta.Length, nameof(z));
                Run<GELUOp>(z, delta, alpha);
                return;
            case Activation.SiLU:
                CheckLength(z.Length, delta.Length, nameof(z));
                Run<SiLUOp>(z, delta, alpha);
                return;
            case Activation.Softplus:
                CheckLength(z.Length, delta.Length, nameof(z));
                Run<SoftplusOp>(z, delta, alpha);
                return;
            case Activation.Softmax:
                throw new ArgumentException(
                    "Softmax has no element-wise derivative: use ActivationGradients.SoftmaxBackward, which applies the softmax Jacobian per row.",
                    nameof(activation));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// Softmax backward pass (Jacobian-vector product), in place, per row: for <c>j &lt; width</c>,
    /// <c>delta_j = a_j (delta_j - sum_{k &lt; width} delta_k a_k)</c>, where <c>a</c> is the softmax output.
    /// Row <c>r</c> is <c>[r * stride, r * stride + width)</c>; elements from <paramref name="width"/> to
    /// <paramref name="stride"/> (padding) are neither read nor written. The dot product is summed in
    /// <see cref="float"/>. Max error measured against the explicit Jacobian in <see cref="double"/>:
    /// <c>4.5e-8 * max_k |delta_k|</c> per element for widths up to 100. Does not allocate.
    /// </summary>
    /// <param name="a">Softmax outputs, row-major.</param>
    /// <param name="delta">Upstream gradient dL/da on input, dL/dz on output, row-major.</param>
    /// <param name="rows">Number of rows, at least 0.</param>
    /// <param name="stride">Distance between row starts, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of softmax outputs per row, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is negative, or <paramref name="stride"/> is less than
    /// <paramref name="width"/>.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="a"/> or <paramref name="delta"/> is shorter than <c>(rows - 1) * stride + width</c>.
    /// </exception>
    public static void SoftmaxBackward(ReadOnlySpan<float> a, Span<float> delta, int rows, int stride, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width);
        long required = VectorMath.RequiredLength(rows, stride, width);
        if (a.Length < required)
        {
            VectorMath.ThrowTooShort(nameof(a), a.Length, required, rows, stride, width);
        }

        if (delta.Length < required)
        {
            VectorMath.ThrowTooShort(nameof(delta), delta.Length, required, rows, stride, width);
        }

        for (int r = 0; r < rows; r++)
        {
            int start = r * stride;
            SoftmaxBackwardRow(a.Slice(start, width), delta.Slice(start, width));
        }
    }

    private static void SoftmaxBackwardRow(ReadOnlySpan<float> a, Span<float> delta)
    {
        int n = delta.Length;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float dr = ref MemoryMarshal.GetReference(delta);

        // dot = sum_k a_k delta_k
        float dot = 0f;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                acc += Vector512.LoadUnsafe(ref ar, (nuint)i) * Vector512.LoadUnsafe(ref dr, (nuint)i);
            }

            dot = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc += Vector256.LoadUnsafe(ref ar, (nuint)i) * Vector256.LoadUnsafe(ref dr, (nuint)i);
            }

            dot = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                acc += Vector128.LoadUnsafe(ref ar, (nuint)i) * Vector128.LoadUnsafe(ref dr, (nuint)i);
            }

            dot = Vector128.Sum(acc);
        }

        for (; i < n; i++)
        {
            dot += a[i] * delta[i];
        }

        // delta_j = a_j (delta_j - dot)
        i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vdot = Vector512.Create(dot);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (Vector512.LoadUnsafe(ref ar, (nuint)i) * (Vector512.LoadUnsafe(ref dr, (nuint)i) - vdot))
                    .StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vdot = Vector256.Create(dot);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref ar, (nuint)i) * (Vector256.LoadUnsafe(ref dr, (nuint)i) - vdot))
                    .StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vdot = Vector128.Create(dot);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                (Vector128.LoadUnsafe(ref ar, (nuint)i) * (Vector128.LoadUnsafe(ref dr, (nuint)i) - vdot))
                    .StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            delta[i] = a[i] * (delta[i] - dot);
        }
    }

    private static void CheckLength(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            ThrowLengthMismatch(actual, expected, paramName);
        }
    }

    [DoesNotReturn]
    private static void ThrowLengthMismatch(int actual, int expected, string paramName) =>
        throw new ArgumentException(
            $"{paramName} has length {actual}, expected {expected} (the length of delta).", paramName);

    /// <summary>
    /// Applies <typeparamref name="TOp"/> to <paramref name="x"/> and <paramref name="delta"/> (same length,
    /// checked by the caller) with the widest accelerated vector, then a scalar tail.
    /// </summary>
    private static void Run<TOp>(ReadOnlySpan<float> x, Span<float> delta, float alpha)
        where TOp : struct, IGradientOp
    {
        int n = delta.Length;
        System.Diagnostics.Debug.Assert(x.Length == n);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> va = Vector512.Create(alpha);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref dr, (nuint)i), va)
                    .StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> va = Vector256.Create(alpha);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref dr, (nuint)i), va)
                    .StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> va = Vector128.Create(alpha);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Apply(Vector128.LoadUnsafe(ref xr, (nuint)i), Vector128.LoadUnsafe(ref dr, (nuint)i), va)
                    .StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            delta[i] = TOp.Apply(x[i], delta[i], alpha);
        }
    }

    /// <summary>One derivative: returns <c>delta * f'</c> given the input it reads (z or a).</summary>
    private interface IGradientOp
    {
        static abstract Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha);

        static abstract Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha);

        static abstract Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha);

        static abstract float Apply(float x, float delta, float alpha);
    }

    /// <summary>x = a: delta where a &gt; 0, else 0 (a select, so a NaN/inf delta is not turned into NaN).</summary>
    private readonly struct ReLUOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), delta, Vector512<float>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), delta, Vector256<float>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), delta, Vector128<float>.Zero);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha) => x > 0f ? delta : 0f;
    }

    /// <summary>x = a: delta * a (1 - a).</summary>
    private readonly struct SigmoidOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha) =>
            delta * (x * (Vector512<float>.One - x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha) =>
            delta * (x * (Vector256<float>.One - x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha) =>
            delta * (x * (Vector128<float>.One - x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha) => delta * (x * (1f - x));
    }

    /// <summary>x = a: delta * (1 - a)(1 + a), which is 1 - a^2 without the cancellation near |a| = 1.</summary>
    private readonly struct TanhOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha) =>
            delta * ((Vector512<float>.One - x) * (Vector512<float>.One + x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha) =>
            delta * ((Vector256<float>.One - x) * (Vector256<float>.One + x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha) =>
            delta * ((Vector128<float>.One - x) * (Vector128<float>.One + x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha) => delta * ((1f - x) * (1f + x));
    }

    /// <summary>x = z: delta where z &gt; 0, else alpha * delta.</summary>
    private readonly struct LeakyReLUOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), delta, delta * alpha);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), delta, delta * alpha);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), delta, delta * alpha);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha) => x > 0f ? delta : delta * alpha;
    }

    /// <summary>x = z: delta where z &gt; 0, else delta * alpha * exp(z).</summary>
    private readonly struct ELUOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha) =>
            Vector512.ConditionalSelect(
                Vector512.GreaterThan(x, Vector512<float>.Zero), delta, delta * (alpha * VectorMath.Exp(x)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha) =>
            Vector256.ConditionalSelect(
                Vector256.GreaterThan(x, Vector256<float>.Zero), delta, delta * (alpha * VectorMath.Exp(x)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha) =>
            Vector128.ConditionalSelect(
                Vector128.GreaterThan(x, Vector128<float>.Zero), delta, delta * (alpha * VectorMath.Exp(x)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha) =>
            x > 0f ? delta : delta * (alpha * MathF.Exp(x));
    }

    /// <summary>
    /// x = z: GELU'(z) = s (1 + g (1 - s)) with e = exp(-2u), s = 1 / (1 + e) = 0.5 (1 + tanh(u)),
    /// g = z d(2u)/dz, and 1 - s taken as 1 - s where s &lt; 1/2 and as e s otherwise (no cancellation).
    /// z is clamped to [-20, 20], outside which the float derivative is exactly 0 or 1.
    /// </summary>
    private readonly struct GELUOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha)
        {
            Vector512<float> xc = Vector512.Min(Vector512.Max(x, Vector512.Create(-GeluClamp)), Vector512.Create(GeluClamp));
            Vector512<float> x2 = xc * xc;
            Vector512<float> twoU = xc * (Vector512.Create(GeluA) + Vector512.Create(GeluB) * x2);
            Vector512<float> g = xc * (Vector512.Create(GeluA) + Vector512.Create(GeluB3) * x2);
            Vector512<float> e = VectorMath.Exp(-twoU);
            Vector512<float> s = Vector512<float>.One / (Vector512<float>.One + e);
            Vector512<float> oneMinusS = Vector512.ConditionalSelect(
                Vector512.LessThan(twoU, Vector512<float>.Zero), Vector512<float>.One - s, e * s);
            return delta * (s * (Vector512<float>.One + g * oneMinusS));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha)
        {
            Vector256<float> xc = Vector256.Min(Vector256.Max(x, Vector256.Create(-GeluClamp)), Vector256.Create(GeluClamp));
            Vector256<float> x2 = xc * xc;
            Vector256<float> twoU = xc * (Vector256.Create(GeluA) + Vector256.Create(GeluB) * x2);
            Vector256<float> g = xc * (Vector256.Create(GeluA) + Vector256.Create(GeluB3) * x2);
            Vector256<float> e = VectorMath.Exp(-twoU);
            Vector256<float> s = Vector256<float>.One / (Vector256<float>.One + e);
            Vector256<float> oneMinusS = Vector256.ConditionalSelect(
                Vector256.LessThan(twoU, Vector256<float>.Zero), Vector256<float>.One - s, e * s);
            return delta * (s * (Vector256<float>.One + g * oneMinusS));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha)
        {
            Vector128<float> xc = Vector128.Min(Vector128.Max(x, Vector128.Create(-GeluClamp)), Vector128.Create(GeluClamp));
            Vector128<float> x2 = xc * xc;
            Vector128<float> twoU = xc * (Vector128.Create(GeluA) + Vector128.Create(GeluB) * x2);
            Vector128<float> g = xc * (Vector128.Create(GeluA) + Vector128.Create(GeluB3) * x2);
            Vector128<float> e = VectorMath.Exp(-twoU);
            Vector128<float> s = Vector128<float>.One / (Vector128<float>.One + e);
            Vector128<float> oneMinusS = Vector128.ConditionalSelect(
                Vector128.LessThan(twoU, Vector128<float>.Zero), Vector128<float>.One - s, e * s);
            return delta * (s * (Vector128<float>.One + g * oneMinusS));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha)
        {
            float xc = MathF.Min(MathF.Max(x, -GeluClamp), GeluClamp);
            float x2 = xc * xc;
            float twoU = xc * (GeluA + GeluB * x2);
            float g = xc * (GeluA + GeluB3 * x2);
            float e = MathF.Exp(-twoU);
            float s = 1f / (1f + e);
            float oneMinusS = twoU < 0f ? 1f - s : e * s;
            return delta * (s * (1f + g * oneMinusS));
        }
    }

    /// <summary>
    /// x = z: SiLU'(z) = s (1 + z (1 - s)) with e = exp(-z), s = 1 / (1 + e), 1 - s as for GELU.
    /// z is clamped to [-120, 120], outside which the float derivative is exactly 0 or 1.
    /// </summary>
    private readonly struct SiLUOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha)
        {
            Vector512<float> xc = Vector512.Min(Vector512.Max(x, Vector512.Create(-SiLUClamp)), Vector512.Create(SiLUClamp));
            Vector512<float> e = VectorMath.Exp(-xc);
            Vector512<float> s = Vector512<float>.One / (Vector512<float>.One + e);
            Vector512<float> oneMinusS = Vector512.ConditionalSelect(
                Vector512.LessThan(xc, Vector512<float>.Zero), Vector512<float>.One - s, e * s);
            return delta * (s * (Vector512<float>.One + xc * oneMinusS));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha)
        {
            Vector256<float> xc = Vector256.Min(Vector256.Max(x, Vector256.Create(-SiLUClamp)), Vector256.Create(SiLUClamp));
            Vector256<float> e = VectorMath.Exp(-xc);
            Vector256<float> s = Vector256<float>.One / (Vector256<float>.One + e);
            Vector256<float> oneMinusS = Vector256.ConditionalSelect(
                Vector256.LessThan(xc, Vector256<float>.Zero), Vector256<float>.One - s, e * s);
            return delta * (s * (Vector256<float>.One + xc * oneMinusS));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha)
        {
            Vector128<float> xc = Vector128.Min(Vector128.Max(x, Vector128.Create(-SiLUClamp)), Vector128.Create(SiLUClamp));
            Vector128<float> e = VectorMath.Exp(-xc);
            Vector128<float> s = Vector128<float>.One / (Vector128<float>.One + e);
            Vector128<float> oneMinusS = Vector128.ConditionalSelect(
                Vector128.LessThan(xc, Vector128<float>.Zero), Vector128<float>.One - s, e * s);
            return delta * (s * (Vector128<float>.One + xc * oneMinusS));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha)
        {
            float xc = MathF.Min(MathF.Max(x, -SiLUClamp), SiLUClamp);
            float e = MathF.Exp(-xc);
            float s = 1f / (1f + e);
            float oneMinusS = xc < 0f ? 1f - s : e * s;
            return delta * (s * (1f + xc * oneMinusS));
        }
    }

    /// <summary>x = z: delta * sigmoid(z).</summary>
    private readonly struct SoftplusOp : IGradientOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> x, Vector512<float> delta, Vector512<float> alpha) =>
            delta * VectorMath.Sigmoid(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> delta, Vector256<float> alpha) =>
            delta * VectorMath.Sigmoid(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> delta, Vector128<float> alpha) =>
            delta * VectorMath.Sigmoid(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float x, float delta, float alpha) => delta * VectorMath.Sigmoid(x);
    }
}
