using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>An activation applied to a whole zmm register; a struct type argument, so the JIT specialises each use.</summary>
public interface IVectorActivation
{
    /// <summary>
    /// True when <see cref="Apply"/> is a few instructions (ReLU): it is applied to the accumulators before the store.
    /// False when it calls out (tanh calls <see cref="Vector512.Exp(Vector512{float})"/>, which the JIT does not
    /// inline): the pre-activations are stored first and activated in a second pass over the (L1-hot) outputs.
    /// Otherwise the accumulators would be live across a call, where every zmm register is caller-saved, and the
    /// register allocator spills them inside the FMA loop.
    /// </summary>
    static abstract bool FuseInRegisters { get; }

    static abstract Vector512<float> Apply(Vector512<float> x);
}

public readonly struct IdentityActivation : IVectorActivation
{
    public static bool FuseInRegisters => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x) => x;
}

public readonly struct ReLUActivation : IVectorActivation
{
    public static bool FuseInRegisters => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x) => Avx512F.Max(x, Vector512<float>.Zero);
}

/// <summary>tanh with <see cref="InlineMath.Exp"/> inlined: no call, so it is fused into the accumulators' store.</summary>
public readonly struct TanhActivation : IVectorActivation
{
    public static bool FuseInRegisters => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x) => InlineMath.Tanh(x);
}

/// <summary>
/// The runtime's tanh (<c>StaticNN.Activations.VectorMath.Tanh</c>, the routine the generated kernels call; its exp
/// is inlined), fused into the accumulators' store.
/// </summary>
public readonly struct RuntimeTanhActivation : IVectorActivation
{
    public static bool FuseInRegisters => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> x) => StaticNN.Activations.VectorMath.Tanh(x);
}

/// <summary>How the softmax computes exp: a struct type argument, so the JIT specialises each use.</summary>
public interface IVectorExp
{
    static abstract Vector512<float> Exp(Vector512<float> x);
}

/// <summary><see cref="InlineMath.Exp"/>: inlined, no call.</summary>
public readonly struct InlineExp : IVectorExp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) => InlineMath.Exp(x);
}

/// <summary><see cref="Vector512.Exp(Vector512{float})"/> from the BCL: a call.</summary>
public readonly struct BclExp : IVectorExp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) => Vector512.Exp(x);
}

/// <summary>
/// Hand-written AVX-512 dense-layer kernels for one sample. Weights are input-major, <c>W^T[in][stride]</c>, 64-byte
/// aligned, padded with zeros to a multiple of 16 outputs; so y = W x is "broadcast x[i], FMA with row i" into
/// accumulators that stay in zmm registers for the whole layer, with the bias as the accumulators' start value and
/// the activation applied before the single store. The number of independent accumulators is always 8 (2 FMA
/// pipes x 4 cycles of latency on Zen 5): when the layer has fewer than 8 output vectors, the input dimension is
/// split into interleaved chains that are added at the end. All methods are inlined into the per-shape Predict, so
/// the sizes are JIT-time constants.
/// </summary>
public static unsafe class Vector512Kernels
{
    /// <summary>128 outputs (8 zmm accumulators), any number of inputs; <c>w</c> has stride 128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dense128<TAct>(float* x, int inputs, float* w, float* bias, float* y) where TAct : struct, IVectorActivation
    {
        Vector512<float> a0 = Avx512F.LoadAlignedVector512(bias);
        Vector512<float> a1 = Avx512F.LoadAlignedVector512(bias + 16);
        Vector512<float> a2 = Avx512F.LoadAlignedVector512(bias + 32);
        Vector512<float> a3 = Avx512F.LoadAlignedVector512(bias + 48);
        Vector512<float> a4 = Avx512F.LoadAlignedVector512(bias + 64);
        Vector512<float> a5 = Avx512F.LoadAlignedVector512(bias + 80);
        Vector512<float> a6 = Avx512F.LoadAlignedVector512(bias + 96);
        Vector512<float> a7 = Avx512F.LoadAlignedVector512(bias + 112);
        float* end = x + inputs;
        for (; x < end; x++, w += 128)
        {
            Vector512<float> xi = Vector512.Create(*x);
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w), xi, a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 16), xi, a1);
            a2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 32), xi, a2);
            a3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 48), xi, a3);
            a4 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 64), xi, a4);
            a5 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 80), xi, a5);
            a6 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 96), xi, a6);
            a7 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 112), xi, a7);
        }

        if (TAct.FuseInRegisters)
        {
            Avx512F.StoreAligned(y, TAct.Apply(a0));
            Avx512F.StoreAligned(y + 16, TAct.Apply(a1));
            Avx512F.StoreAligned(y + 32, TAct.Apply(a2));
            Avx512F.StoreAligned(y + 48, TAct.Apply(a3));
            Avx512F.StoreAligned(y + 64, TAct.Apply(a4));
            Avx512F.StoreAligned(y + 80, TAct.Apply(a5));
            Avx512F.StoreAligned(y + 96, TAct.Apply(a6));
            Avx512F.StoreAligned(y + 112, TAct.Apply(a7));
        }
        else
        {
            Avx512F.StoreAligned(y, a0);
            Avx512F.StoreAligned(y + 16, a1);
            Avx512F.StoreAligned(y + 32, a2);
            Avx512F.StoreAligned(y + 48, a3);
            Avx512F.StoreAligned(y + 64, a4);
            Avx512F.StoreAligned(y + 80, a5);
            Avx512F.StoreAligned(y + 96, a6);
            Avx512F.StoreAligned(y + 112, a7);
            ActivateInPlace<TAct>(y, 8);
        }
    }

    /// <summary>
    /// 64 outputs (4 zmm) x 2 interleaved input chains = 8 accumulators; <c>inputs</c> must be even; <c>w</c> has stride 64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dense64<TAct>(float* x, int inputs, float* w, float* bias, float* y) where TAct : struct, IVectorActivation
    {
        Vector512<float> a0 = Avx512F.LoadAlignedVector512(bias);
        Vector512<float> a1 = Avx512F.LoadAlignedVector512(bias + 16);
        Vector512<float> a2 = Avx512F.LoadAlignedVector512(bias + 32);
        Vector512<float> a3 = Avx512F.LoadAlignedVector512(bias + 48);
        Vector512<float> b0 = Vector512<float>.Zero, b1 = b0, b2 = b0, b3 = b0;
        float* end = x + inputs;
        for (; x < end; x += 2, w += 128)
        {
            Vector512<float> x0 = Vector512.Create(x[0]);
            Vector512<float> x1 = Vector512.Create(x[1]);
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w), x0, a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 16), x0, a1);
            a2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 32), x0, a2);
            a3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 48), x0, a3);
            b0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 64), x1, b0);
            b1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 80), x1, b1);
            b2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 96), x1, b2);
            b3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 112), x1, b3);
        }

        if (TAct.FuseInRegisters)
        {
            Avx512F.StoreAligned(y, TAct.Apply(Avx512F.Add(a0, b0)));
            Avx512F.StoreAligned(y + 16, TAct.Apply(Avx512F.Add(a1, b1)));
            Avx512F.StoreAligned(y + 32, TAct.Apply(Avx512F.Add(a2, b2)));
            Avx512F.StoreAligned(y + 48, TAct.Apply(Avx512F.Add(a3, b3)));
        }
        else
        {
            Avx512F.StoreAligned(y, Avx512F.Add(a0, b0));
            Avx512F.StoreAligned(y + 16, Avx512F.Add(a1, b1));
            Avx512F.StoreAligned(y + 32, Avx512F.Add(a2, b2));
            Avx512F.StoreAligned(y + 48, Avx512F.Add(a3, b3));
            ActivateInPlace<TAct>(y, 4);
        }
    }

    /// <summary>
    /// <see cref="Dense64{TAct}"/> written the way the generated kernels index memory: refs and <c>int</c> index
    /// expressions converted to <c>nuint</c>, <c>LoadUnsafe(ref w, (nuint)(k * 64 + 16))</c>. The JIT computes each
    /// address with a 32-bit <c>lea</c> and a <c>movsxd</c> (it cannot prove the int expression does not overflow), two
    /// extra integer instructions per load, instead of folding a constant displacement into the FMA's memory operand.
    /// For the ablation only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dense64IntIndexed<TAct>(ref float x, int inputs, ref float w, ref float bias, float* y) where TAct : struct, IVectorActivation
    {
        Vector512<float> a0 = Vector512.LoadUnsafe(ref bias, 0);
        Vector512<float> a1 = Vector512.LoadUnsafe(ref bias, 16);
        Vector512<float> a2 = Vector512.LoadUnsafe(ref bias, 32);
        Vector512<float> a3 = Vector512.LoadUnsafe(ref bias, 48);
        Vector512<float> b0 = Vector512<float>.Zero, b1 = b0, b2 = b0, b3 = b0;
        for (int k = 0; k < inputs; k += 2)
        {
            Vector512<float> x0 = Vector512.Create(Unsafe.Add(ref x, k));
            a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64)), x0, a0);
            a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 16)), x0, a1);
            a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 32)), x0, a2);
            a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 48)), x0, a3);
            Vector512<float> x1 = Vector512.Create(Unsafe.Add(ref x, k + 1));
            b0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 64)), x1, b0);
            b1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 80)), x1, b1);
            b2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 96)), x1, b2);
            b3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k * 64 + 112)), x1, b3);
        }

        Avx512F.StoreAligned(y, TAct.Apply(Avx512F.Add(a0, b0)));
        Avx512F.StoreAligned(y + 16, TAct.Apply(Avx512F.Add(a1, b1)));
        Avx512F.StoreAligned(y + 32, TAct.Apply(Avx512F.Add(a2, b2)));
        Avx512F.StoreAligned(y + 48, TAct.Apply(Avx512F.Add(a3, b3)));
    }

    /// <summary>Applies <typeparamref name="TAct"/> to <paramref name="vectors"/> aligned vectors in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ActivateInPlace<TAct>(float* y, int vectors) where TAct : struct, IVectorActivation
    {
        for (int j = 0; j < vectors; j++)
        {
            Avx512F.StoreAligned(y + 16 * j, TAct.Apply(Avx512F.LoadAlignedVector512(y + 16 * j)));
        }
    }

    /// <summary>
    /// Up to 16 outputs (1 zmm) x 8 interleaved input chains; returns the pre-activation vector (padding lanes hold
    /// the zero bias padding). <c>w</c> has stride 16. Any number of inputs (the tail uses the first chain).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Dense16(float* x, int inputs, float* w, float* bias)
    {
        Vector512<float> a0 = Avx512F.LoadAlignedVector512(bias);
        Vector512<float> a1 = Vector512<float>.Zero, a2 = a1, a3 = a1, a4 = a1, a5 = a1, a6 = a1, a7 = a1;
        int blocked = inputs & ~7;
        float* end = x + blocked;
        for (; x < end; x += 8, w += 128)
        {
            a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w), Vector512.Create(x[0]), a0);
            a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 16), Vector512.Create(x[1]), a1);
            a2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 32), Vector512.Create(x[2]), a2);
            a3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 48), Vector512.Create(x[3]), a3);
            a4 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 64), Vector512.Create(x[4]), a4);
            a5 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 80), Vector512.Create(x[5]), a5);
            a6 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 96), Vector512.Create(x[6]), a6);
            a7 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 112), Vector512.Create(x[7]), a7);
        }

        // Tail: fewer than 8 inputs left, one per chain (the conditions are JIT-time constants after inlining:
        // nothing for 64 and 128 inputs, 4 FMAs for S1's first layer, 2 for its second).
        int tail = inputs & 7;
        if (tail > 0) { a0 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w), Vector512.Create(x[0]), a0); }
        if (tail > 1) { a1 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 16), Vector512.Create(x[1]), a1); }
        if (tail > 2) { a2 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 32), Vector512.Create(x[2]), a2); }
        if (tail > 3) { a3 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 48), Vector512.Create(x[3]), a3); }
        if (tail > 4) { a4 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 64), Vector512.Create(x[4]), a4); }
        if (tail > 5) { a5 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 80), Vector512.Create(x[5]), a5); }
        if (tail > 6) { a6 = Avx512F.FusedMultiplyAdd(Avx512F.LoadAlignedVector512(w + 96), Vector512.Create(x[6]), a6); }

        return Avx512F.Add(Avx512F.Add(Avx512F.Add(a0, a1), Avx512F.Add(a2, a3)), Avx512F.Add(Avx512F.Add(a4, a5), Avx512F.Add(a6, a7)));
    }

    /// <summary>
    /// Softmax over the first <paramref name="count"/> lanes of one register (the rest are masked to -inf, and their
    /// exp to 0), entirely in registers: masked max, exp, sum by shuffles, divide.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Softmax<TExp>(Vector512<float> logits, int count) where TExp : struct, IVectorExp
    {
        Vector512<float> valid = Vector512.LessThan(Vector512<float>.Indices, Vector512.Create((float)count));
        Vector512<float> v = Vector512.ConditionalSelect(valid, logits, Vector512.Create(float.NegativeInfinity));
        Vector512<float> e = TExp.Exp(Avx512F.Subtract(v, HorizontalMax(v)));
        e = Vector512.ConditionalSelect(valid, e, Vector512<float>.Zero);
        return Avx512F.Divide(e, HorizontalSum(e));
    }

    /// <summary>The sum of all 16 lanes, broadcast to all lanes (same shuffles as <see cref="HorizontalMax"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HorizontalSum(Vector512<float> v)
    {
        v = Avx512F.Add(v, Avx512F.Shuffle4x128(v, v, 0b01_00_11_10));
        v = Avx512F.Add(v, Avx512F.Shuffle4x128(v, v, 0b10_11_00_01));
        v = Avx512F.Add(v, Avx512F.Permute4x32(v, 0b01_00_11_10));
        v = Avx512F.Add(v, Avx512F.Permute4x32(v, 0b10_11_00_01));
        return v;
    }

    /// <summary>The maximum of all 16 lanes, broadcast to all lanes (4 shuffle + max steps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HorizontalMax(Vector512<float> v)
    {
        v = Avx512F.Max(v, Avx512F.Shuffle4x128(v, v, 0b01_00_11_10)); // swap 256-bit halves
        v = Avx512F.Max(v, Avx512F.Shuffle4x128(v, v, 0b10_11_00_01)); // swap 128-bit lanes within halves
        v = Avx512F.Max(v, Avx512F.Permute4x32(v, 0b01_00_11_10));     // swap 64-bit pairs
        v = Avx512F.Max(v, Avx512F.Permute4x32(v, 0b10_11_00_01));     // swap neighbours
        return v;
    }

    /// <summary>Copies the first <paramref name="count"/> lanes of <paramref name="v"/> to <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(Vector512<float> v, int count, Span<float> output) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<Vector512<float>, float>(ref v), count).CopyTo(output);
}
