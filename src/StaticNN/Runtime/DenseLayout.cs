using System;

namespace StaticNN.Runtime;

/// <summary>
/// Copies and initialises dense-layer parameters between the kernels' internal layout and the logical one.
/// Internal: weights input-major, <c>wt[in][paddedOut]</c> (padding columns zero), then <c>bias[paddedOut]</c>.
/// Logical (PyTorch): <c>weight[out, in]</c> row-major, then <c>bias[out]</c>.
/// </summary>
public static class DenseLayout
{
    /// <summary>Copies the internal weights <c>wt[in][paddedOut]</c> out as <c>weight[out, in]</c>.</summary>
    public static void CopyWeightsToLogical(ReadOnlySpan<float> wt, int inputSize, int outputSize, int paddedOutputSize, Span<float> weight)
    {
        for (int i = 0; i < inputSize; i++)
        {
            ReadOnlySpan<float> row = wt.Slice(i * paddedOutputSize, outputSize);
            for (int o = 0; o < outputSize; o++)
            {
                weight[o * inputSize + i] = row[o];
            }
        }
    }

    /// <summary>Copies <c>weight[out, in]</c> into the internal weights <c>wt[in][paddedOut]</c>; padding is set to zero.</summary>
    public static void CopyWeightsFromLogical(ReadOnlySpan<float> weight, int inputSize, int outputSize, int paddedOutputSize, Span<float> wt)
    {
        for (int i = 0; i < inputSize; i++)
        {
            Span<float> row = wt.Slice(i * paddedOutputSize, paddedOutputSize);
            for (int o = 0; o < outputSize; o++)
            {
                row[o] = weight[o * inputSize + i];
            }
            row[outputSize..].Clear();
        }
    }

    /// <summary>
    /// Writes the out-major copy <c>w[out][paddedIn]</c> of internal weights <c>wt[in][paddedOut]</c> (padding zero),
    /// which the backward pass uses to compute dX = dZ W as a row-broadcast product. Does not allocate.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> wt, int inputSize, int outputSize, int paddedInputSize, int paddedOutputSize, Span<float> w)
    {
        for (int o = 0; o < outputSize; o++)
        {
            Span<float> row = w.Slice(o * paddedInputSize, paddedInputSize);
            for (int i = 0; i < inputSize; i++)
            {
                row[i] = wt[i * paddedOutputSize + o];
            }
            row[inputSize..].Clear();
        }
    }

    /// <summary>
    /// Fills internal weights with U(-limit, limit), drawn in logical order (<c>weight[o, i]</c>, o outer) so the values
    /// do not depend on the internal layout. Padding is set to zero.
    /// </summary>
    public static void InitializeUniform(Span<float> wt, int inputSize, int outputSize, int paddedOutputSize, float limit, ref SeededRandom random)
    {
        wt.Slice(0, inputSize * paddedOutputSize).Clear();
        for (int o = 0; o < outputSize; o++)
        {
            for (int i = 0; i < inputSize; i++)
            {
                wt[i * paddedOutputSize + o] = random.NextSymmetric(limit);
            }
        }
    }

    /// <summary>Glorot (Xavier) uniform limit: sqrt(6 / (fanIn + fanOut)).</summary>
    public static float GlorotLimit(int fanIn, int fanOut) => MathF.Sqrt(6f / (fanIn + fanOut));

    /// <summary>He (Kaiming) uniform limit for the ReLU family: sqrt(6 / fanIn).</summary>
    public static float HeLimit(int fanIn) => MathF.Sqrt(6f / fanIn);

    /// <summary>Sums <paramref name="rows"/> rows of <paramref name="stride"/> floats into <paramref name="result"/> (length stride). Does not allocate.</summary>
    public static void SumRows(ReadOnlySpan<float> matrix, int rows, int stride, Span<float> result)
    {
        ReadOnlySpan<float> first = matrix.Slice(0, stride);
        first.CopyTo(result);
        for (int r = 1; r < rows; r++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(result.Slice(0, stride), matrix.Slice(r * stride, stride), result.Slice(0, stride));
        }
    }
}
