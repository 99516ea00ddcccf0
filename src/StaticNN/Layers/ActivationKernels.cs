using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNN.Activations;

namespace StaticNN.Layers;

/// <summary>
/// Applies an element-wise activation to a whole buffer, for layers that run their activation separately rather
/// than fused into a dense kernel.
/// </summary>
public static class ActivationKernels
{
    /// <summary>
    /// <c>y[i] = f(x[i])</c> for every <c>i &lt; x.Length</c>, with <see cref="VectorMath"/>'s functions, so the
    /// results are those of the generated kernels' fused activations: on a machine with SIMD every element (the tail
    /// included) goes through the vector overloads, which give the same result at every width; without SIMD the
    /// <see cref="float"/> overloads are used. Padding lanes are treated like any other (f(0) is 0 for every activation
    /// except Sigmoid and Softplus). <paramref name="y"/> may be the same span as <paramref name="x"/> (in place).
    /// Does not allocate.
    /// </summary>
    /// <param name="activation">The activation; not <see cref="Activation.Softmax"/>.</param>
    /// <param name="alpha">The LeakyReLU slope or ELU scale; ignored by the other activations.</param>
    /// <param name="x">Pre-activation values.</param>
    /// <param name="y">Receives the activated values; same length as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="y"/> does not have the length of <paramref name="x"/>, or <paramref name="activation"/> is
    /// <see cref="Activation.Softmax"/>, which is not element-wise (use <see cref="VectorMath.SoftmaxPaddedRows"/>).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined value.</exception>
    public static void Forward(Activation activation, float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        LayerArguments.CheckSameLength(y.Length, x.Length, nameof(y), nameof(x));
        switch (activation)
        {
            case Activation.Identity:
                x.CopyTo(y);
                return;
            case Activation.ReLU:
                Run<ReLUOp>(x, y, alpha);
                return;
            case Activation.LeakyReLU:
                Run<LeakyReLUOp>(x, y, alpha);
                return;
            case Activation.ELU:
                Run<ELUOp>(x, y, alpha);
                return;
            case Activation.Sigmoid:
                Run<SigmoidOp>(x, y, alpha);
                return;
            case Activation.Tanh:
                Run<TanhOp>(x, y, alpha);
                return;
            case Activation.GELU:
                Run<GELUOp>(x, y, alpha);
                return;
            case Activation.SiLU:
                Run<SiLUOp>(x, y, alpha);
                return;
            case Activation.Softplus:
                Run<SoftplusOp>(x, y, alpha);
                return;
            case Activation.Softmax:
                throw new ArgumentException(
                    "Softmax is not element-wise: use VectorMath.SoftmaxPaddedRows, which normalizes each row.",
                    nameof(activation));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    private static void Run<TOp>(ReadOnlySpan<float> x, Span<float> y, float alpha)
        where TOp : struct, IActivationOp
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref xr, (nuint)i), alpha).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref xr, (nuint)i), alpha).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Apply(Vector128.LoadUnsafe(ref xr, (nuint)i), alpha).StoreUnsafe(ref yr, (nuint)i);
            }

            // The last 1-3 elements also go through a vector, so they get the vector functions' results.
            int rest = n - i;
            if (rest > 0)
            {
                Vector128<float> v = Vector128<float>.Zero;
                for (int k = 0; k < rest; k++)
                {
                    v = v.WithElement(k, x[i + k]);
                }

                Vector128<float> f = TOp.Apply(v, alpha);
                for (int k = 0; k < rest; k++)
                {
                    y[i + k] = f.GetElement(k);
                }
            }

            return;
        }

        for (; i < n; i++)
        {
            y[i] = TOp.Apply(x[i], alpha);
        }
    }

    /// <summary>One activation at every width.</summary>
    private interface IActivationOp
    {
        static abstract Vector512<float> Apply(Vector512<float> x, float alpha);

        static abstract Vector256<float> Apply(Vector256<float> x, float alpha);

        static abstract Vector128<float> Apply(Vector128<float> x, float alpha);

        static abstract float Apply(float x, float alpha);
    }

    private readonly struct ReLUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.ReLU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.ReLU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.ReLU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.ReLU(x);
    }

    private readonly struct LeakyReLUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.LeakyReLU(x, alpha);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.LeakyReLU(x, alpha);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.LeakyReLU(x, alpha);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.LeakyReLU(x, alpha);
    }

    private readonly struct ELUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.ELU(x, alpha);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.ELU(x, alpha);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.ELU(x, alpha);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.ELU(x, alpha);
    }

    private readonly struct SigmoidOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.Sigmoid(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.Sigmoid(x);
    }

    private readonly struct TanhOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.Tanh(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.Tanh(x);
    }

    private readonly struct GELUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.GELU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.GELU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.GELU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.GELU(x);
    }

    private readonly struct SiLUOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.SiLU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.SiLU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.SiLU(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.SiLU(x);
    }

    private readonly struct SoftplusOp : IActivationOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Apply(Vector512<float> x, float alpha) => VectorMath.Softplus(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Apply(Vector256<float> x, float alpha) => VectorMath.Softplus(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Apply(Vector128<float> x, float alpha) => VectorMath.Softplus(x);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Apply(float x, float alpha) => VectorMath.Softplus(x);
    }
}
