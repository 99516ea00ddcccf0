using System;
using System.Collections.Generic;
using System.Linq;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>
/// The textbook implementation: plain nested loops over the logical <c>weight[out, in]</c> layout, one multiply-add
/// at a time, <see cref="MathF"/> for tanh and exp. No SIMD (beyond what the JIT might do on its own, which for this
/// loop is nothing). Scratch buffers are allocated once.
/// </summary>
public sealed class NaiveScalarMlp : IPredictor
{
    private readonly LayerWeights[] _layers;
    private readonly float[][] _activations;

    public NaiveScalarMlp(IReadOnlyList<LayerWeights> layers)
    {
        _layers = layers.ToArray();
        _activations = _layers.Select(l => new float[l.Outputs]).ToArray();
    }

    public string Name => "naive scalar";

    // Not thread-safe (shared scratch); fine for a baseline.
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        ReadOnlySpan<float> x = input;
        for (int l = 0; l < _layers.Length; l++)
        {
            LayerWeights layer = _layers[l];
            float[] y = _activations[l];
            float[] w = layer.Weight;
            int inputs = layer.Inputs;
            for (int o = 0; o < layer.Outputs; o++)
            {
                float sum = layer.Bias[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += w[o * inputs + i] * x[i];
                }

                y[o] = sum;
            }

            Activate(layer.Activation, y);
            x = y;
        }

        x.CopyTo(output);
    }

    private static void Activate(Activation activation, float[] y)
    {
        switch (activation)
        {
            case Activation.Identity:
                return;
            case Activation.ReLU:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = y[i] > 0f ? y[i] : 0f;
                }

                return;
            case Activation.Tanh:
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = MathF.Tanh(y[i]);
                }

                return;
            case Activation.Softmax:
                float max = float.NegativeInfinity;
                for (int i = 0; i < y.Length; i++)
                {
                    max = MathF.Max(max, y[i]);
                }

                float sum = 0f;
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = MathF.Exp(y[i] - max);
                    sum += y[i];
                }

                for (int i = 0; i < y.Length; i++)
                {
                    y[i] /= sum;
                }

                return;
            default:
                throw new NotSupportedException($"Activation {activation} is not used by the benchmark shapes.");
        }
    }
}
