namespace StaticNN;

/// <summary>Kind of a compiled layer.</summary>
public enum LayerKind
{
    /// <summary>Fully connected layer (<see cref="DenseAttribute"/>).</summary>
    Dense = 0,
}

/// <summary>Shape and settings of one compiled layer, in the logical (PyTorch) layout.</summary>
/// <param name="Kind">The layer kind.</param>
/// <param name="InputSize">Number of inputs.</param>
/// <param name="OutputSize">Number of outputs.</param>
/// <param name="HasBias">Whether the layer has a bias of <paramref name="OutputSize"/> values.</param>
/// <param name="Activation">The activation applied to the outputs.</param>
/// <param name="Alpha">The activation's parameter (LeakyReLU slope, ELU scale); 0 when unused.</param>
public readonly record struct LayerInfo(LayerKind Kind, int InputSize, int OutputSize, bool HasBias, Activation Activation, float Alpha)
{
    /// <summary>Number of weights: <see cref="OutputSize"/> x <see cref="InputSize"/>.</summary>
    public int WeightCount => OutputSize * InputSize;

    /// <summary>Number of bias values: <see cref="OutputSize"/> or 0.</summary>
    public int BiasCount => HasBias ? OutputSize : 0;
}
