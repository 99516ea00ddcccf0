using System;
using System.Runtime.InteropServices;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>
/// A float buffer on the pinned object heap whose <see cref="Pointer"/> is 64-byte aligned (one cache line, one zmm
/// register). Lives as long as its owner; no manual free.
/// </summary>
public sealed unsafe class AlignedBuffer
{
    private readonly float[] _array;

    public AlignedBuffer(int length)
    {
        _array = GC.AllocateArray<float>(length + 16, pinned: true);
        float* start = (float*)Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        int offset = (int)((64 - ((nuint)start & 63)) & 63) / sizeof(float);
        Pointer = start + offset;
        Length = length;
    }

    public float* Pointer { get; }

    public int Length { get; }

    public Span<float> Span => new(Pointer, Length);

    /// <summary>
    /// A dense layer's weights transposed to input-major, <c>W^T[in][outPadded]</c>, padding zero, followed by the bias
    /// padded to <paramref name="outPadded"/> (zero padding).
    /// </summary>
    public static (AlignedBuffer Weights, AlignedBuffer Bias) TransposePadded(LayerWeights layer, int outPadded)
    {
        var weights = new AlignedBuffer(layer.Inputs * outPadded);
        var bias = new AlignedBuffer(outPadded);
        Span<float> w = weights.Span;
        w.Clear();
        bias.Span.Clear();
        for (int o = 0; o < layer.Outputs; o++)
        {
            for (int i = 0; i < layer.Inputs; i++)
            {
                w[i * outPadded + o] = layer.Weight[o * layer.Inputs + i];
            }
        }

        layer.Bias.CopyTo(bias.Span);
        return (weights, bias);
    }

    /// <summary>
    /// A dense layer wider than 128 outputs as consecutive 128-output panels, each transposed input-major:
    /// <c>panel[p][in][128]</c> holds outputs <c>128 p</c> to <c>128 p + 127</c>, so a 128-wide kernel streams one panel
    /// linearly. The output count must be a multiple of 128. The bias is <c>bias[out]</c> as is.
    /// </summary>
    public static (AlignedBuffer Weights, AlignedBuffer Bias) TransposePanels128(LayerWeights layer)
    {
        if (layer.Outputs % 128 != 0)
        {
            throw new ArgumentException($"Panels need a multiple of 128 outputs, got {layer.Outputs}.", nameof(layer));
        }

        var weights = new AlignedBuffer(layer.Inputs * layer.Outputs);
        var bias = new AlignedBuffer(layer.Outputs);
        Span<float> w = weights.Span;
        for (int o = 0; o < layer.Outputs; o++)
        {
            int panel = o / 128, column = o % 128;
            for (int i = 0; i < layer.Inputs; i++)
            {
                w[(panel * layer.Inputs + i) * 128 + column] = layer.Weight[o * layer.Inputs + i];
            }
        }

        layer.Bias.CopyTo(bias.Span);
        return (weights, bias);
    }
}
