namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[MaxPool2D]</c>, <c>[AvgPool2D]</c>, <c>[MaxPool1D]</c>, <c>[AvgPool1D]</c>: a window per channel, no parameters.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="PoolKind">Which of the four kinds.</param>
/// <param name="Window">Pool size and stride (no padding).</param>
internal sealed record PoolingOptions(LayerKind PoolKind, Window Window) : LayerOptions
{
    public override LayerKind Kind => PoolKind;

    public bool IsMax => PoolKind is LayerKind.MaxPool2D or LayerKind.MaxPool1D;
}

/// <summary><c>[GlobalAveragePool2D]</c> and <c>[GlobalAveragePool1D]</c>: the mean of each channel over all positions.</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Dimensions">2 or 1.</param>
internal sealed record GlobalAveragePoolOptions(int Dimensions) : LayerOptions
{
    public override LayerKind Kind => Dimensions == 2 ? LayerKind.GlobalAveragePool2D : LayerKind.GlobalAveragePool1D;
}

/// <summary><c>[Flatten]</c>: any shape to a vector in PyTorch's (channels-first) order.</summary>
/// <remarks>Immutable; structural equality.</remarks>
internal sealed record FlattenOptions() : LayerOptions
{
    public override LayerKind Kind => LayerKind.Flatten;
}
