namespace StaticNN.Generator.Model;

/// <summary>One declared layer, with its sizes resolved.</summary>
/// <remarks>Immutable; structural equality. Keep it that way when adding members (primitives, strings, enums, records).</remarks>
internal sealed record LayerSpec(
    int Index,
    LayerKind Kind,
    int InputSize,
    int OutputSize,
    ActivationKind Activation,
    float Alpha,
    bool HasBias);
