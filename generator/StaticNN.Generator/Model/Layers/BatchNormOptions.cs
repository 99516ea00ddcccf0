using System.Collections.Generic;

namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[BatchNorm]</c>: per-feature normalization with batch statistics in training and running ones in inference.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Momentum">running = Momentum * running + (1 - Momentum) * batch statistic.</param>
/// <param name="Epsilon">Added to the variance before the square root.</param>
internal sealed record BatchNormOptions(float Momentum, float Epsilon) : LayerOptions
{
    public override LayerKind Kind => LayerKind.BatchNorm;

    public override IEnumerable<LayerTensor> Tensors(TensorShape input, TensorShape output)
    {
        // Per channel after a convolution (PyTorch's BatchNorm2d/1d), per feature on a vector.
        int features = output.IsSpatial ? output.Grid.Channels : (int)output.ElementCount;
        yield return LayerTensor.Of("weight", features);
        yield return LayerTensor.Of("bias", features);
        yield return LayerTensor.StateOf("running_mean", features);
        yield return LayerTensor.StateOf("running_var", features);
    }
}
