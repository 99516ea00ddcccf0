using System;

namespace StaticNN;

/// <summary>
/// What every generated network offers: inference, and the batch gradient that training needs. Runtime code is
/// generic over <typeparamref name="TSelf"/>, so the JIT specialises it per network (no virtual calls on hot paths).
/// </summary>
/// <typeparam name="TSelf">The generated network class.</typeparam>
public interface ITrainableNetwork<TSelf> where TSelf : class, ITrainableNetwork<TSelf>
{
    /// <summary>Number of input features.</summary>
    static abstract int InputSize { get; }

    /// <summary>Number of outputs.</summary>
    static abstract int OutputSize { get; }

    /// <summary>Number of logical parameters (weights and biases, without padding).</summary>
    static abstract int ParameterCount { get; }

    /// <summary>Length of <see cref="Parameters"/>: the internal, padded parameter block.</summary>
    static abstract int ParameterBlockLength { get; }

    /// <summary>Number of layers with parameters or activations (the input is not a layer).</summary>
    static abstract int LayerCount { get; }

    /// <summary>The loss used by <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    static abstract Loss Loss { get; }

    /// <summary>The shape of one input sample, channels first (InputSize values).</summary>
    static abstract TensorShape InputShape { get; }

    /// <summary>The shape of one output (OutputSize values).</summary>
    static abstract TensorShape OutputShape { get; }

    /// <summary>Shape and settings of layer <paramref name="layer"/>.</summary>
    static abstract LayerInfo GetLayerInfo(int layer);

    /// <summary>
    /// Every tensor of every layer (parameters and running statistics), in layer order, with PyTorch's names and
    /// shapes. Weight files, <see cref="GetTensor"/> and <see cref="SetTensor"/> use this table.
    /// </summary>
    static abstract System.Collections.Generic.IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>
    /// The whole internal parameter block (layout chosen by the kernels, 64-byte aligned, padding zero). Optimizers
    /// update it in place; gradients use the same layout.
    /// </summary>
    Span<float> Parameters { get; }

    /// <summary>Runs the network on one sample. Thread-safe; does not allocate.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs the network on row-major samples. Thread-safe; does not allocate.</summary>
    void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Index of the largest output for one sample.</summary>
    int PredictClass(ReadOnlySpan<float> input);

    /// <summary>Mean loss of a batch, and its gradient (in the layout of <see cref="Parameters"/>).</summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradients);

    /// <summary>Mean loss of a batch with class-index targets, and its gradient.</summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients);

    /// <summary>Mean loss of a batch.</summary>
    float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);

    /// <summary>Mean loss of a batch with class-index targets.</summary>
    float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>
    /// Copies the outputs of the samples of the last <c>ComputeGradients</c> or <c>ComputeLoss</c> call (row-major,
    /// OutputSize values each), as <see cref="PredictBatch"/> would return them, and returns the sample count. Lets the
    /// training loop compute metrics without a second forward pass. Does not allocate.
    /// </summary>
    int CopyLastBatchOutputs(Span<float> outputs);

    /// <summary>Copies a BatchNorm layer's running mean and variance (inference statistics) out.</summary>
    void GetLayerRunningStatistics(int layer, Span<float> mean, Span<float> variance);

    /// <summary>Sets a BatchNorm layer's running mean and variance (inference statistics).</summary>
    void SetLayerRunningStatistics(int layer, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance);

    /// <summary>Copies tensor <paramref name="tensor"/> (an index into <see cref="Tensors"/>) out in its PyTorch layout (row-major).</summary>
    void GetTensor(int tensor, Span<float> values);

    /// <summary>Sets tensor <paramref name="tensor"/> (an index into <see cref="Tensors"/>) from its PyTorch layout (row-major).</summary>
    void SetTensor(int tensor, ReadOnlySpan<float> values);

    /// <summary>Copies layer <paramref name="layer"/>'s parameters out in PyTorch's layout (weight[out, in] row-major).</summary>
    void GetLayerParameters(int layer, Span<float> weight, Span<float> bias);

    /// <summary>Sets layer <paramref name="layer"/>'s parameters from PyTorch's layout (weight[out, in] row-major).</summary>
    void SetLayerParameters(int layer, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias);
}
