namespace StaticNN;

/// <summary>Training loss of a network. Every loss is averaged over the batch.</summary>
public enum Loss
{
    /// <summary>mean((y - t)^2) over all outputs of all samples (PyTorch <c>MSELoss</c>).</summary>
    MeanSquaredError = 0,
    /// <summary>mean(|y - t|) over all outputs of all samples (PyTorch <c>L1Loss</c>).</summary>
    MeanAbsoluteError = 1,
    /// <summary>
    /// mean(-t log p - (1 - t) log(1 - p)) over all outputs. With a Sigmoid last layer the gradient is fused (p - t);
    /// with any other last activation its outputs are treated as logits (PyTorch <c>BCEWithLogitsLoss</c>).
    /// </summary>
    BinaryCrossEntropy = 2,
    /// <summary>
    /// mean over samples of -sum t log p. With a Softmax last layer the gradient is fused (p - t); with any other last
    /// activation its outputs are treated as logits (PyTorch <c>CrossEntropyLoss</c>).
    /// </summary>
    CrossEntropy = 3,
}
