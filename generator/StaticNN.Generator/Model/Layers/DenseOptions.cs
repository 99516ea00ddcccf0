using System.Collections.Generic;

namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[Dense(units, activation)]</c>: y = activation(W x + b), W of shape [units, inputs].</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Units">Number of outputs.</param>
/// <param name="Activation">Activation applied to the outputs.</param>
/// <param name="Alpha">LeakyReLU slope or ELU scale, resolved to the activation's default; 0 when unused.</param>
/// <param name="HasBias">Whether the layer has a bias.</param>
/// <param name="L2">Weight penalty; 0 for none.</param>
internal sealed record DenseOptions(int Units, ActivationKind Activation, float Alpha, bool HasBias, float L2) : LayerOptions
{
    public override LayerKind Kind => LayerKind.Dense;

    public override ActivationKind OutputActivation => Activation;

    public override float OutputAlpha => Alpha;

    public override IEnumerable<LayerTensor> Tensors(TensorShape input, TensorShape output)
    {
        yield return LayerTensor.Of("weight", Units, (int)input.ElementCount);
        if (HasBias)
        {
            yield return LayerTensor.Of("bias", Units);
        }
    }
}
