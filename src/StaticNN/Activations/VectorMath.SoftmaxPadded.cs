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

    /// <summary>
    /// <see cref="SoftmaxPadded"/> of a row of exactly 16 floats, for the generated <c>Predict</c> of a network whose
    /// softmax output has at most 16 classes. Inlined into the caller: with AVX-512 the row is one register (see
    /// <see cref="SoftmaxFirst"/>); the other paths call the general routine.
    /// </summary>
    /// <param name="row">The first of 16 floats.</param>
    /// <param name="width">Classes, 1 to 16; a constant in generated code, so the lane mask folds away.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SoftmaxPadded16(ref float row, int width)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            SoftmaxFirst(Vector512.LoadUnsafe(ref row), width).StoreUnsafe(ref row);
        }
        else
        {
            SoftmaxPaddedCore(ref row, width, 16);
        }
    }

    /// <summary>
    /// Softmax of the first <paramref name="width"/> lanes of <paramref name="logits"/> (1 to 16), in registers: max,
    /// exp, sum and scale without a loop, a call or a store; the other lanes of the result are 0. For generated code on
    /// the AVX-512 path (the last layer of a network with at most 16 classes). A NaN logit makes every output NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SoftmaxFirst(Vector512<float> logits, int width)
    {
        Vector512<float> valid = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width)).AsSingle();
        Vector512<float> z = Vector512.ConditionalSelect(valid, logits, Vector512.Create(float.NegativeInfinity));
        // The max by halving, then two in-register shuffles (MaxNative: a NaN still reaches every output through exp).
        Vector256<float> max8 = Vector256.MaxNative(z.GetLower(), z.GetUpper());
        Vector128<float> max4 = Vector128.MaxNative(max8.GetLower(), max8.GetUpper());
        max4 = Vector128.MaxNative(max4, Vector128.Shuffle(max4, Vector128.Create(2, 3, 0, 1)));
        max4 = Vector128.MaxNative(max4, Vector128.Shuffle(max4, Vector128.Create(1, 0, 3, 2)));
        Vector512<float> e = Vector512.ConditionalSelect(valid, Exp(z - Vector512.Create(max4.ToScalar())), Vector512<float>.Zero);
        // The sum the same way (Vector512.Sum adds each 128-bit quarter on its own, about twice the instructions).
        Vector256<float> sum8 = e.GetLower() + e.GetUpper();
        Vector128<float> sum4 = sum8.GetLower() + sum8.GetUpper();
        sum4 += Vector128.Shuffle(sum4, Vector128.Create(2, 3, 0, 1));
        sum4 += Vector128.Shuffle(sum4, Vector128.Create(1, 0, 3, 2));
        return e / Vector512.Create(sum4.ToScalar());
    }

    /// <summary>
    /// Writes the first <paramref name="count"/> lanes of <paramref name="values"/> (1 to 16) to
    /// <paramref name="destination"/> with one masked store (AVX-512), touching nothing after them: how generated
    /// <c>Predict</c> writes a last layer of at most 16 outputs straight from its register.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="count"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">The CPU has no AVX-512F (generated code calls this only when it has).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreFirst(Vector512<float> values, int count, Span<float> destination)
    {
        if ((uint)count > 16 || destination.Length < count)
        {
            ThrowStoreFirst(count, destination.Length);
        }
        Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
        fixed (float* first = destination)
        {
            System.Runtime.Intrinsics.X86.Avx512F.MaskStore(first, mask, values);
        }
    }

    private static void ThrowStoreFirst(int count, int length) =>
        throw new ArgumentException($"Cannot store {count} lanes (1 to 16) into a span of {length} floats.", "destination");

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
