using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Optimizers;

/// <summary>
/// Gradient clipping, applied to the gradient between <c>ComputeGradients</c> and <see cref="IOptimizer.Step"/>:
/// <see cref="ClipByNorm"/> (PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>) and <see cref="ClipByValue"/>
/// (PyTorch's <c>torch.nn.utils.clip_grad_value_</c>). Both work in place and do not allocate.
/// </summary>
public static class GradientClipping
{
    // PyTorch's clip_grad_norm_ adds this to the norm before dividing.
    private const double NormEpsilon = 1e-6;

    /// <summary>
    /// Computes the L2 norm of the whole gradient, <c>norm = sqrt(sum(g[i]^2))</c>, and when it is finite and greater
    /// than <paramref name="maxNorm"/> scales every gradient in place by <c>maxNorm / (norm + 1e-6)</c>, so that the
    /// norm becomes (just below) <paramref name="maxNorm"/>. Returns the norm before clipping. Does not allocate.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The sum of squares is accumulated in <see cref="double"/> (each square is exact there, and nothing overflows
    /// or underflows), the square root is taken in <see cref="double"/>, and the scale factor is computed in
    /// <see cref="double"/> and rounded to <see cref="float"/> once; each gradient is then multiplied by it in
    /// <see cref="float"/>. The returned norm is the <see cref="double"/> norm rounded to <see cref="float"/>.
    /// </para>
    /// <para>
    /// When the norm is at most <paramref name="maxNorm"/> the gradients are left exactly as they were. (PyTorch
    /// multiplies by <c>min(1, maxNorm / (norm + 1e-6))</c> unconditionally, so it also shrinks gradients whose norm is
    /// within about 1e-6 below <paramref name="maxNorm"/>, by a relative 1e-6 at most.)
    /// </para>
    /// <para>
    /// Non-finite norm: when a gradient is NaN the norm is NaN, when one is infinite the norm is +infinity (and it is
    /// also +infinity when the true norm exceeds <see cref="float.MaxValue"/>). In all these cases the gradients are
    /// left unchanged and the non-finite norm is returned, so the caller can detect it (for example with
    /// <see cref="float.IsFinite"/>) and skip the step. PyTorch (with <c>error_if_nonfinite=False</c>) instead
    /// multiplies the gradients by a NaN or 0 factor.
    /// </para>
    /// </remarks>
    /// <param name="gradients">The gradients, scaled in place when their norm exceeds <paramref name="maxNorm"/>.</param>
    /// <param name="maxNorm">The largest allowed L2 norm; finite and at least 0 (0 sets every nonzero gradient to 0).</param>
    /// <returns>The L2 norm of <paramref name="gradients"/> before clipping (0 for an empty span).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or not finite.</exception>
    public static float ClipByNorm(Span<float> gradients, float maxNorm)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(maxNorm, nameof(maxNorm), "maxNorm");

        double norm = Math.Sqrt(SumOfSquares(gradients));
        float result = (float)norm;
        if (float.IsFinite(result) && result > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + NormEpsilon));
            TensorPrimitives.Multiply(gradients, scale, gradients);
        }

        return result;
    }

    /// <summary>
    /// Clamps every gradient in place to [<c>-limit</c>, <c>limit</c>], like PyTorch's
    /// <c>torch.nn.utils.clip_grad_value_</c>. Infinities become <c>-limit</c> or <c>limit</c>; NaN stays NaN.
    /// Does not allocate.
    /// </summary>
    /// <param name="gradients">The gradients, clamped in place.</param>
    /// <param name="limit">The largest allowed absolute value; finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or not finite.</exception>
    public static void ClipByValue(Span<float> gradients, float limit)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(limit, nameof(limit), "limit");
        TensorPrimitives.Clamp(gradients, -limit, limit, gradients);
    }

    // sum(x[i]^2) with every square widened to double. The summation order depends on the SIMD width, which changes
    // the double result by a few units in the last place at most (far below float precision).
    private static double SumOfSquares(ReadOnlySpan<float> x)
    {
        int n = x.Length;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        double sum = 0;
        int i = 0;

        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> accLower = Vector512<double>.Zero, accUpper = Vector512<double>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (Vector512<double> lower, Vector512<double> upper) = Vector512.Widen(Vector512.LoadUnsafe(ref xRef, (nuint)i));
                accLower += lower * lower;
                accUpper += upper * upper;
            }

            sum = Vector512.Sum(accLower + accUpper);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> accLower = Vector256<double>.Zero, accUpper = Vector256<double>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref xRef, (nuint)i));
                accLower += lower * lower;
                accUpper += upper * upper;
            }

            sum = Vector256.Sum(accLower + accUpper);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<double> accLower = Vector128<double>.Zero, accUpper = Vector128<double>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                (Vector128<double> lower, Vector128<double> upper) = Vector128.Widen(Vector128.LoadUnsafe(ref xRef, (nuint)i));
                accLower += lower * lower;
                accUpper += upper * upper;
            }

            sum = Vector128.Sum(accLower + accUpper);
        }

        // Scalar tail (and the whole loop when there is no SIMD).
        for (; i < n; i++)
        {
            double value = x[i];
            sum += value * value;
        }

        return sum;
    }
}
