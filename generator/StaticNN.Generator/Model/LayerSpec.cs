namespace StaticNN.Generator.Model;

/// <summary>One declared layer, with its sizes resolved.</summary>
/// <remarks>Immutable; structural equality. Keep it that way when adding members (primitives, strings, enums, records).</remarks>
/// <param name="Index">Position among the layers (the input is not a layer).</param>
/// <param name="Kind">Dense, Dropout, BatchNorm, LayerNorm, Activation or Residual.</param>
/// <param name="InputSize">Values coming in.</param>
/// <param name="OutputSize">Values going out (equal to the input for every kind but Dense).</param>
/// <param name="Activation">Dense and Activation layers' activation; Identity otherwise.</param>
/// <param name="Alpha">LeakyReLU slope or ELU scale; 0 when unused.</param>
/// <param name="HasBias">Dense with a bias, or a normalization layer (its shift).</param>
/// <param name="Rate">Dropout rate; 0 otherwise.</param>
/// <param name="Momentum">BatchNorm running-statistics momentum; 0 otherwise.</param>
/// <param name="Epsilon">Normalization epsilon; 0 otherwise.</param>
/// <param name="L2">Dense weight penalty; 0 otherwise.</param>
/// <param name="ResidualSource">For a Residual layer, the layer whose output is added (-1: the network input); else -2.</param>
internal sealed record LayerSpec(
    int Index,
    LayerKind Kind,
    int InputSize,
    int OutputSize,
    ActivationKind Activation,
    float Alpha,
    bool HasBias,
    float Rate = 0f,
    float Momentum = 0f,
    float Epsilon = 0f,
    float L2 = 0f,
    int ResidualSource = -2);
