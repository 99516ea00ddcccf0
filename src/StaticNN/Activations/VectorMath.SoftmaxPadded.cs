using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Activations;

public static partial class VectorMath
{
    /// <summary>
    /// Softmax of the first <paramref name="width"/> values of a row whose length is a multiple of 16 (the padded
    /// layout of generated networks), computed on whole vectors with the padding lanes masked out; the padding lanes
    /// are set to 0. For a 3-class output this is one zmm register instead of a scalar loop. Does not allocate.
    /// </summary>
    /// <exception cref="ArgumentException">The row length is not a positive multiple of 16 of at least <paramref name="width"/>.</exception>
    public static void SoftmaxPadded(Span<float> row, int width)
    {
        CheckPadded(row.Length, width, nameof(row));
        SoftmaxPaddedCore(ref MemoryMarshal.GetReference(row), width, row.Length);
    }

    /// <summary>
    /// <see cref="SoftmaxPadded"/> on each of <paramref name="rows"/> rows of <paramref name="stride"/> floats
    /// (a multiple of 16). Does not allocate.
    /// </summary>
    public static void SoftmaxPaddedRows(Span<float> matrix, int rows, int stride, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        CheckPadded(stride, width, nameof(stride));
        if (matrix.Length < (long)rows * stride)
        {
            ThrowTooShort(nameof(matrix), matrix.Length, (long)rows * stride, rows, stride, width);
        }
        ref float first = ref MemoryMarshal.GetReference(matrix);
        for (int r = 0; r < rows; r++)
        {
            SoftmaxPaddedCore(ref Unsafe.Add(ref first, r * stride), width, stride);
        }
    }

    private static void CheckPadded(int length, int width, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (length < width || length % 16 != 0)
        {
            throw new ArgumentException($"A padded row must have a length that is a multiple of 16 and at least the width {width}; got {length}.", paramName);
        }
    }

    private static void SoftmaxPaddedCore(ref float row, int width, int length)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> negativeInfinity = Vector512.Create(float.NegativeInfinity), max = negativeInfinity;
            Vector512<int> limit = Vector512.Create(width);
            for (int i = 0; i < length; i += 16)
            {
                Vector512<float> valid = Vector512.LessThan(Vector512<int>.Indices + Vector512.Create(i), limit).AsSingle();
                max = Vector512.Max(max, Vector512.ConditionalSelect(valid, Vector512.LoadUnsafe(ref row, (nuint)i), negativeInfinity));
            }
            Vector256<float> max256 = Vector256.Max(max.GetLower(), max.GetUpper());
            Vector512<float> shift = Vector512.Create(HorizontalMax(Vector128.Max(max256.GetLower(), max256.GetUpper())));
            Vector512<float> sum = Vector512<float>.Zero;
            for (int i = 0; i < length; i += 16)
            {
                Vector512<float> valid = Vector512.LessThan(Vector512<int>.Indices + Vector512.Create(i), limit).AsSingle();
                Vector512<float> e = Vector512.ConditionalSelect(valid, Exp(Vector512.LoadUnsafe(ref row, (nuint)i) - shift), Vector512<float>.Zero);
                e.StoreUnsafe(ref row, (nuint)i);
                sum += e;
            }
            Vector512<float> total = Vector512.Create(Vector512.Sum(sum));
            for (int i = 0; i < length; i += 16)
            {
                (Vector512.LoadUnsafe(ref row, (nuint)i) / total).StoreUnsafe(ref row, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> negativeInfinity = Vector256.Create(float.NegativeInfinity), max = negativeInfinity;
            Vector256<int> limit = Vector256.Create(width);
            for (int i = 0; i < length; i += 8)
            {
                Vector256<float> valid = Vector256.LessThan(Vector256<int>.Indices + Vector256.Create(i), limit).AsSingle();
                max = Vector256.Max(max, Vector256.ConditionalSelect(valid, Vector256.LoadUnsafe(ref row, (nuint)i), negativeInfinity));
            }
            Vector256<float> shift = Vector256.Create(HorizontalMax(Vector128.Max(max.GetLower(), max.GetUpper())));
            Vector256<float> sum = Vector256<float>.Zero;
            for (int i = 0; i < length; i += 8)
            {
                Vector256<float> valid = Vector256.LessThan(Vector256<int>.Indices + Vector256.Create(i), limit).AsSingle();
                Vector256<float> e = Vector256.ConditionalSelect(valid, Exp(Vector256.LoadUnsafe(ref row, (nuint)i) - shift), Vector256<float>.Zero);
                e.StoreUnsafe(ref row, (nuint)i);
                sum += e;
            }
            Vector256<float> total = Vector256.Create(Vector256.Sum(sum));
            for (int i = 0; i < length; i += 8)
            {
                (Vector256.LoadUnsafe(ref row, (nuint)i) / total).StoreUnsafe(ref row, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> negativeInfinity = Vector128.Create(float.NegativeInfinity), max = negativeInfinity;
            Vector128<int> limit = Vector128.Create(width);
            for (int i = 0; i < length; i += 4)
            {
                Vector128<float> valid = Vector128.LessThan(Vector128<int>.Indices + Vector128.Create(i), limit).AsSingle();
                max = Vector128.Max(max, Vector128.ConditionalSelect(valid, Vector128.LoadUnsafe(ref row, (nuint)i), negativeInfinity));
            }
            Vector128<float> shift = Vector128.Create(HorizontalMax(max));
            Vector128<float> sum = Vector128<float>.Zero;
            for (int i = 0; i < length; i += 4)
            {
                Vector128<float> valid = Vector128.LessThan(Vector128<int>.Indices + Vector128.Create(i), limit).AsSingle();
                Vector128<float> e = Vector128.ConditionalSelect(valid, Exp(Vector128.LoadUnsafe(ref row, (nuint)i) - shift), Vector128<float>.Zero);
                e.StoreUnsafe(ref row, (nuint)i);
                sum += e;
            }
            Vector128<float> total = Vector128.Create(Vector128.Sum(sum));
            for (int i = 0; i < length; i += 4)
            {
                (Vector128.LoadUnsafe(ref row, (nuint)i) / total).StoreUnsafe(ref row, (nuint)i);
            }
        }
        else
        {
            Span<float> span = MemoryMarshal.CreateSpan(ref row, length);
            SoftmaxCore(span.Slice(0, width));
            span.Slice(width).Clear();
        }
    }
}
