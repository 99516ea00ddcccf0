namespace StaticNN.Generator.Model.Layers;

/// <summary>The end of a residual block (<c>[ResidualEnd]</c>): output = input + the output of <see cref="Source"/>.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Source">The layer whose output is added (the layer before the block's first); -1 for the network input.</param>
internal sealed record ResidualOptions(int Source) : LayerOptions
{
    public override LayerKind Kind => LayerKind.Residual;
}
