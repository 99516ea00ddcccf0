namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[Dropout(rate)]</c>: inverted dropout in training, the identity in inference.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Rate">Fraction of values dropped in training.</param>
internal sealed record DropoutOptions(float Rate) : LayerOptions
{
    public override LayerKind Kind => LayerKind.Dropout;
}
