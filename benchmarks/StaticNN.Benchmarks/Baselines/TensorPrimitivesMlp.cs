using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics.Tensors;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>
/// What a C# developer would write with System.Numerics.Tensors: weights in the logical <c>weight[out, in]</c>
/// layout, <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per output row, then
/// <see cref="TensorPrimitives.Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for the bias and the
/// TensorPrimitives activation (Max with 0, Tanh, SoftMax). Scratch on the stack; allocates nothing.
/// </summary>
public sealed class TensorPrimitivesMlp : IPredictor
{
    private const int MaxWidth = 512;
    private readonly LayerWeights[] _layers;

    public TensorPrimitivesMlp(IReadOnlyList<LayerWeights> layers)
    {
        _layers = layers.ToArray();
        if (_layers.Any(l => l.Outputs > MaxWidth))
        {
            throw new ArgumentException($"Layers wider than {MaxWidth} are not supported.", nameof(layers));
        }
    }

    public string Name => "TensorPrimitives";

    [System.Runtime.CompilerServices.SkipLocalsInit]
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        Span<float> bufferA = stackalloc float[MaxWidth];
        Span<float> bufferB = stackalloc float[MaxWidth];
        scoped ReadOnlySpan<float> x = input;
        LayerWeights[] layers = _layers;
        for (int l = 0; l < layers.Length; l++)
        {
            LayerWeights layer = layers[l];
            Span<float> y = (l % 2 == 0 ? bufferA : bufferB).Slice(0, layer.Outputs);
            ReadOnlySpan<float> w = layer.Weight;
            int inputs = layer.Inputs;
            for (int o = 0; o < y.Length; o++)
            {
                y[o] = TensorPrimitives.Dot(w.Slice(o * inputs, inputs), x);
            }

            TensorPrimitives.Add(y, layer.Bias, y);
            switch (layer.Activation)
            {
                case Activation.Identity:
                    break;
                case Activation.ReLU:
                    TensorPrimitives.Max(y, 0f, y);
                    break;
                case Activation.Tanh:
                    TensorPrimitives.Tanh(y, y);
                    break;
                case Activation.Softmax:
                    // SoftMax does not accept overlapping spans: write into the other buffer.
                    Span<float> probabilities = (l % 2 == 0 ? bufferB : bufferA).Slice(0, layer.Outputs);
                    TensorPrimitives.SoftMax(y, probabilities);
                    y = probabilities;
                    break;
                default:
                    throw new NotSupportedException($"Activation {layer.Activation} is not used by the benchmark shapes.");
            }

            x = y;
        }

        x.CopyTo(output);
    }
}
