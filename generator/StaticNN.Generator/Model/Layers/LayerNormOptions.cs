using System.Collections.Generic;

namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[LayerNorm]</c>: each sample normalised over its features, with a learnt scale and shift.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Epsilon">Added to the variance before the square root.</param>
internal sealed record LayerNormOptions(float Epsilon) : LayerOptions
{
    public override LayerKind Kind => LayerKind.LayerNorm;

    public override IEnumerable<LayerTensor> Tensors(TensorShape input, TensorShape output)
    {
        int features = (int)output.ElementCount;
        yield return LayerTensor.Of("weight", features);
        yield return LayerTensor.Of("bias", features);
    }
}
