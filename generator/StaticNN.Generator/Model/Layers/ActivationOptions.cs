namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[Activation(activation)]</c>: an activation as a layer of its own.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Activation">The activation.</param>
/// <param name="Alpha">LeakyReLU slope or ELU scale, resolved to the activation's default; 0 when unused.</param>
internal sealed record ActivationOptions(ActivationKind Activation, float Alpha) : LayerOptions
{
    public override LayerKind Kind => LayerKind.Activation;

    public override ActivationKind OutputActivation => Activation;

    public override float OutputAlpha => Alpha;
}
