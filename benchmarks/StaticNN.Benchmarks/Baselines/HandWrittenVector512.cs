using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static StaticNN.Benchmarks.Baselines.Vector512Kernels;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>
/// Shared plumbing of the hand-written AVX-512 baselines: each layer's weights transposed to <c>W^T[in][out padded
/// to 16]</c> in its own 64-byte aligned buffer, bias padded the same way (layers wider than 128 outputs: consecutive
/// 128-output panels <c>[out / 128][in][128]</c>, see <see cref="AlignedBuffer.TransposePanels128"/>); activations
/// between layers in 64-byte aligned stack scratch. Requires AVX-512F (the constructor throws otherwise).
/// </summary>
public abstract unsafe class HandWrittenVector512Base : IPredictor
{
    private readonly AlignedBuffer[] _weights;
    private readonly AlignedBuffer[] _biases;

    protected HandWrittenVector512Base(IReadOnlyList<LayerWeights> layers, int inputSize, int outputSize)
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            throw new PlatformNotSupportedException("The hand-written baseline needs AVX-512F.");
        }

        InputSize = inputSize;
        OutputSize = outputSize;
        _weights = new AlignedBuffer[layers.Count];
        _biases = new AlignedBuffer[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            int padded = (layers[l].Outputs + 15) & ~15;
            (_weights[l], _biases[l]) = padded > 128
                ? AlignedBuffer.TransposePanels128(layers[l])
                : AlignedBuffer.TransposePadded(layers[l], padded);
        }

        W0 = _weights[0].Pointer;
        B0 = _biases[0].Pointer;
        W1 = _weights[1].Pointer;
        B1 = _biases[1].Pointer;
        if (layers.Count > 2)
        {
            W2 = _weights[2].Pointer;
            B2 = _biases[2].Pointer;
        }
    }

    public virtual string Name => "hand-written Vector512";

    protected int InputSize { get; }

    protected int OutputSize { get; }

    // Raw pointers in fields: one load each per call, no bounds checks, no pinning.
    protected float* W0 { get; }

    protected float* B0 { get; }

    protected float* W1 { get; }

    protected float* B1 { get; }

    protected float* W2 { get; }

    protected float* B2 { get; }

    public abstract void Predict(ReadOnlySpan<float> input, Span<float> output);

    protected void CheckLengths(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputSize || output.Length != OutputSize)
        {
            Throw(input.Length, output.Length);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Throw(int input, int output) =>
        throw new ArgumentException($"Expected {InputSize} inputs and {OutputSize} outputs, got {input} and {output}.");

    /// <summary>64-byte aligned pointer into stack scratch of at least (floats + 16) floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static float* Align64(float* raw) => (float*)(((nuint)raw + 63) & ~(nuint)63);
}

/// <summary>
/// S1 4-10(ReLU)-3(Softmax): two single-register layers and an in-register softmax whose exp is
/// <typeparamref name="TExp"/>.
/// </summary>
public unsafe class HandWrittenS1Core<TExp>(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 4, 3)
    where TExp : struct, IVectorExp
{
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[32];
        float* h0 = Align64(raw);
        fixed (float* x = input)
        {
            Vector512.Store(ReLUActivation.Apply(Dense16(x, 4, W0, B0)), h0);
        }

        StoreFirst(Softmax<TExp>(Dense16(h0, 10, W1, B1), 3), 3, output);
    }
}

/// <summary>S1, the best hand-written version: softmax with the inlined exp.</summary>
public sealed class HandWrittenS1(IReadOnlyList<LayerWeights> layers) : HandWrittenS1Core<InlineExp>(layers);

/// <summary>S1 ablation: the same kernel with the BCL's <c>Vector512.Exp</c> (a call) in the softmax.</summary>
public sealed class HandWrittenS1BclExp(IReadOnlyList<LayerWeights> layers) : HandWrittenS1Core<BclExp>(layers)
{
    public override string Name => "hand-written, softmax with BCL Vector512.Exp";
}

/// <summary>
/// S1 ablation: the hand-written layers, then the generated Predict's softmax: the logits stored, the runtime's
/// <c>VectorMath.SoftmaxPadded</c> on the 16-float row, the first 3 copied out.
/// </summary>
public sealed unsafe class HandWrittenS1RuntimeSoftmax(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 4, 3)
{
    public override string Name => "hand-written, runtime VectorMath.SoftmaxPadded";

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[32 + 16];
        float* h0 = Align64(raw);
        float* logits = h0 + 16;
        fixed (float* x = input)
        {
            Vector512.Store(ReLUActivation.Apply(Dense16(x, 4, W0, B0)), h0);
        }

        Vector512.Store(Dense16(h0, 10, W1, B1), logits);
        var row = new Span<float>(logits, 16);
        StaticNN.Activations.VectorMath.SoftmaxPadded(row, 3);
        row.Slice(0, 3).CopyTo(output);
    }
}

/// <summary>
/// S2 16-64(tanh)-64(tanh)-8: two 64-wide layers (4 zmm x 2 input chains), then one 16-lane register; tanh is
/// <typeparamref name="TTanh"/>.
/// </summary>
public unsafe class HandWrittenS2Core<TTanh>(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 16, 8)
    where TTanh : struct, IVectorActivation
{
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[64 + 64 + 16];
        float* h0 = Align64(raw);
        float* h1 = h0 + 64;
        fixed (float* x = input)
        {
            Dense64<TTanh>(x, 16, W0, B0, h0);
        }

        Dense64<TTanh>(h0, 64, W1, B1, h1);
        StoreFirst(Dense16(h1, 64, W2, B2), 8, output);
    }
}

/// <summary>S2, the best hand-written version: tanh with the inlined exp, fused into the accumulators' store.</summary>
public sealed class HandWrittenS2(IReadOnlyList<LayerWeights> layers) : HandWrittenS2Core<TanhActivation>(layers);

/// <summary>S2 ablation: the runtime's tanh (<c>VectorMath.Tanh</c>) instead of the baseline's own.</summary>
public sealed class HandWrittenS2RuntimeTanh(IReadOnlyList<LayerWeights> layers) : HandWrittenS2Core<RuntimeTanhActivation>(layers)
{
    public override string Name => "hand-written, runtime VectorMath.Tanh";
}

/// <summary>
/// S2 ablation: runtime tanh and the generated kernels' memory indexing (<see cref="Vector512Kernels.Dense64IntIndexed{TAct}"/>)
/// for the two 64-wide layers.
/// </summary>
public sealed unsafe class HandWrittenS2IntIndexed(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 16, 8)
{
    public override string Name => "hand-written, runtime tanh, generated-style int indexing";

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[64 + 64 + 16];
        float* h0 = Align64(raw);
        float* h1 = h0 + 64;
        Dense64IntIndexed<RuntimeTanhActivation>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input), 16, ref *W0, ref *B0, h0);
        Dense64IntIndexed<RuntimeTanhActivation>(ref *h0, 64, ref *W1, ref *B1, h1);
        StoreFirst(Dense16(h1, 64, W2, B2), 8, output);
    }
}

/// <summary>S3 784-128(ReLU)-10(Softmax): one 128-wide layer (8 zmm), then one register and an in-register softmax.</summary>
public sealed unsafe class HandWrittenS3(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 784, 10)
{
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[128 + 16];
        float* h0 = Align64(raw);
        fixed (float* x = input)
        {
            Dense128<ReLUActivation>(x, 784, W0, B0, h0);
        }

        StoreFirst(Softmax<InlineExp>(Dense16(h0, 128, W1, B1), 10), 10, output);
    }
}

/// <summary>S4 784-128(ReLU)-64(ReLU)-10(Softmax).</summary>
public sealed unsafe class HandWrittenS4(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 784, 10)
{
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[128 + 64 + 16];
        float* h0 = Align64(raw);
        float* h1 = h0 + 128;
        fixed (float* x = input)
        {
            Dense128<ReLUActivation>(x, 784, W0, B0, h0);
        }

        Dense64<ReLUActivation>(h0, 128, W1, B1, h1);
        StoreFirst(Softmax<InlineExp>(Dense16(h1, 64, W2, B2), 10), 10, output);
    }
}

/// <summary>
/// S3 ablation: the hand-written kernels, but the softmax is the generated Predict's: the logits stored, the runtime's
/// <c>VectorMath.SoftmaxPadded</c> on the 16-float row, the first 10 copied out.
/// </summary>
public sealed unsafe class HandWrittenS3RuntimeSoftmax(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 784, 10)
{
    public override string Name => "hand-written, runtime VectorMath.SoftmaxPadded";

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[128 + 16 + 16];
        float* h0 = Align64(raw);
        float* logits = h0 + 128;
        fixed (float* x = input)
        {
            Dense128<ReLUActivation>(x, 784, W0, B0, h0);
        }

        Vector512.Store(Dense16(h0, 128, W1, B1), logits);
        var row = new Span<float>(logits, 16);
        StaticNN.Activations.VectorMath.SoftmaxPadded(row, 10);
        row.Slice(0, 10).CopyTo(output);
    }
}

/// <summary>
/// S5 256-512(ReLU)-512(ReLU)-10(Softmax): each 512-wide layer is four passes of the 128-wide kernel (8 zmm), one per
/// 128-output panel of the weights, then one register and an in-register softmax.
/// </summary>
public sealed unsafe class HandWrittenS5(IReadOnlyList<LayerWeights> layers) : HandWrittenVector512Base(layers, 256, 10)
{
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckLengths(input, output);
        float* raw = stackalloc float[512 + 512 + 16];
        float* h0 = Align64(raw);
        float* h1 = h0 + 512;
        fixed (float* x = input)
        {
            for (int p = 0; p < 4; p++)
            {
                Dense128<ReLUActivation>(x, 256, W0 + p * 256 * 128, B0 + p * 128, h0 + p * 128);
            }
        }

        for (int p = 0; p < 4; p++)
        {
            Dense128<ReLUActivation>(h0, 512, W1 + p * 512 * 128, B1 + p * 128, h1 + p * 128);
        }

        StoreFirst(Softmax<InlineExp>(Dense16(h1, 512, W2, B2), 10), 10, output);
    }
}
