using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNN.Runtime;

namespace StaticNN.Layers;

/// <summary>
/// Inverted dropout on the padded row-major buffers of generated networks: <c>rows</c> rows of <c>stride</c> floats
/// (a multiple of 16), of which the first <c>width</c> are features and the rest padding.
/// </summary>
public static class DropoutKernels
{
    /// <summary>
    /// Inverted dropout, training mode. For each feature element (row-major: row by row, <c>j &lt; width</c> within a
    /// row) draws <c>u = random.NextSingle()</c> and keeps the element when <c>u &gt;= rate</c>:
    /// <c>mask = 1 / (1 - rate)</c> when kept, 0 when dropped, and <c>y = x * mask</c> for kept elements, 0 for dropped
    /// ones (so a dropped NaN or infinity gives 0). Padding lanes of <paramref name="mask"/> and <paramref name="y"/>
    /// are set to 0. Does not allocate.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Exactly <c>rows * width</c> numbers are drawn when <paramref name="rate"/> is positive, in the order above, so a
    /// seed gives the same mask everywhere. When <paramref name="rate"/> is 0 nothing is drawn (the generator is not
    /// advanced), the mask is 1 on every feature element and <c>y = x</c>.
    /// </para>
    /// <para><paramref name="y"/> may be the same buffer as <paramref name="x"/> (in place); <paramref name="mask"/> must not overlap either.</para>
    /// </remarks>
    /// <param name="x">Input, at least <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="rows">Number of rows, at least 1.</param>
    /// <param name="stride">Floats per row: a multiple of 16, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of features per row, at least 1.</param>
    /// <param name="rate">Probability of dropping an element, in [0, 1).</param>
    /// <param name="random">The generator the draws come from; advanced by <c>rows * width</c> draws (none when <paramref name="rate"/> is 0).</param>
    /// <param name="mask">Receives the mask, at least <c>rows * stride</c> elements (padding 0); pass it to <see cref="Backward"/>.</param>
    /// <param name="y">Receives the output, at least <c>rows * stride</c> elements (padding 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/> or not a multiple of 16, or <paramref name="rate"/> is not in [0, 1).
    /// </exception>
    /// <exception cref="ArgumentException">A span is shorter than <c>rows * stride</c>.</exception>
    public static void Forward(ReadOnlySpan<float> x, int rows, int stride, int width, float rate, ref SeededRandom random,
        Span<float> mask, Span<float> y)
    {
        LayerArguments.CheckShape(rows, stride, width);
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be in [0, 1).");
        }

        LayerArguments.CheckMatrix(x.Length, rows, stride, nameof(x));
        LayerArguments.CheckMatrix(mask.Length, rows, stride, nameof(mask));
        LayerArguments.CheckMatrix(y.Length, rows, stride, nameof(y));

        float scale = 1f / (1f - rate);
        for (int r = 0; r < rows; r++)
        {
            int start = r * stride;
            ReadOnlySpan<float> xr = x.Slice(start, stride);
            Span<float> mr = mask.Slice(start, stride), yr = y.Slice(start, stride);
            if (rate == 0f)
            {
                mr.Slice(0, width).Fill(1f);
                xr.Slice(0, width).CopyTo(yr);
            }
            else
            {
                for (int j = 0; j < width; j++)
                {
                    bool kept = random.NextSingle() >= rate;
                    mr[j] = kept ? scale : 0f;
                    yr[j] = kept ? xr[j] * scale : 0f;
                }
            }

            mr.Slice(width).Clear();
            yr.Slice(width).Clear();
        }
    }

    /// <summary>
    /// Backward pass: <c>dx = dy * mask</c> element-wise over the whole spans, except that where the mask is 0
    /// (dropped elements and padding) <c>dx</c> is 0 even if <c>dy</c> is NaN or infinite. <paramref name="dx"/> may
    /// be the same buffer as <paramref name="dy"/> (in place). Vectorised with <see cref="Vector512"/>,
    /// <see cref="Vector256"/> or <see cref="Vector128"/> and a scalar tail. Does not allocate.
    /// </summary>
    /// <param name="dy">Upstream gradient.</param>
    /// <param name="mask">The mask written by <see cref="Forward"/>; same length as <paramref name="dy"/>.</param>
    /// <param name="dx">Receives dL/dx; same length as <paramref name="dy"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="mask"/> or <paramref name="dx"/> does not have the length of <paramref name="dy"/>.</exception>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx)
    {
        LayerArguments.CheckSameLength(mask.Length, dy.Length, nameof(mask), nameof(dy));
        LayerArguments.CheckSameLength(dx.Length, dy.Length, nameof(dx), nameof(dy));

        int n = dy.Length;
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float mr = ref MemoryMarshal.GetReference(mask);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> m = Vector512.LoadUnsafe(ref mr, (nuint)i);
                Vector512.ConditionalSelect(Vector512.Equals(m, Vector512<float>.Zero), Vector512<float>.Zero,
                    Vector512.LoadUnsafe(ref dyr, (nuint)i) * m).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> m = Vector256.LoadUnsafe(ref mr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.Equals(m, Vector256<float>.Zero), Vector256<float>.Zero,
                    Vector256.LoadUnsafe(ref dyr, (nuint)i) * m).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> m = Vector128.LoadUnsafe(ref mr, (nuint)i);
                Vector128.ConditionalSelect(Vector128.Equals(m, Vector128<float>.Zero), Vector128<float>.Zero,
                    Vector128.LoadUnsafe(ref dyr, (nuint)i) * m).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float m = mask[i];
            dx[i] = m == 0f ? 0f : dy[i] * m;
        }
    }
}
