using System;
using System.Buffers;
using System.Numerics.Tensors;

namespace StaticNN;

/// <summary>Prediction helpers for every generated network.</summary>
public static class PredictionExtensions
{
    // Outputs up to this many floats (4 KB) live on the stack; larger ones use a pooled array (no allocation once warm).
    private const int MaxStackOutputs = 1024;

    /// <summary>
    /// Like <c>PredictClass</c>, but tells a real answer from a failed one: returns false, with
    /// <paramref name="predictedClass"/> = -1, when any output is NaN or infinite (for example after weights diverged,
    /// or for an input holding NaN). <c>PredictClass</c> itself returns an index even then: the first NaN's (class 0
    /// when every output is NaN) or, for a single output, 0, which looks like an answer. Thread-safe; does not allocate.
    /// </summary>
    /// <typeparam name="T">The generated network class.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="input">One sample, <c>InputSize</c> values.</param>
    /// <param name="predictedClass">The index of the largest output or, for a single output, 1 when it is above the
    /// threshold (0.5 after a sigmoid, else 0) and 0 otherwise; -1 when the method returns false.</param>
    /// <returns>Whether every output was finite.</returns>
    /// <exception cref="ArgumentException">The input length is not <c>InputSize</c>.</exception>
    public static bool TryPredictClass<T>(this T network, ReadOnlySpan<float> input, out int predictedClass)
        where T : class, ITrainableNetwork<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        int outputs = T.OutputSize;
        float[]? rented = null;
        Span<float> output = outputs <= MaxStackOutputs
            ? stackalloc float[MaxStackOutputs]
            : (rented = ArrayPool<float>.Shared.Rent(outputs));
        output = output[..outputs];
        try
        {
            network.Predict(input, output);
            foreach (float value in output)
            {
                if (!float.IsFinite(value))
                {
                    predictedClass = -1;
                    return false;
                }
            }
            if (outputs == 1)
            {
                float threshold = T.GetLayerInfo(T.LayerCount - 1).Activation == Activation.Sigmoid ? 0.5f : 0f;
                predictedClass = output[0] > threshold ? 1 : 0;
            }
            else
            {
                predictedClass = TensorPrimitives.IndexOfMax<float>(output);
            }
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
