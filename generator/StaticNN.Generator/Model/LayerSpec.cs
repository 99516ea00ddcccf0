using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Model;

/// <summary>One declared layer: its position, the shapes it reads and writes, and its kind's settings.</summary>
/// <remarks>Immutable; structural equality. Keep it that way when adding members (primitives, strings, enums, records).</remarks>
/// <param name="Index">Position among the layers (the input is not a layer).</param>
/// <param name="Input">The shape of one sample coming in.</param>
/// <param name="Output">The shape of one sample going out.</param>
/// <param name="Options">The kind and its settings.</param>
internal sealed record LayerSpec(int Index, TensorShape Input, TensorShape Output, LayerOptions Options)
{
    public LayerKind Kind => Options.Kind;

    /// <summary>Values coming in per sample.</summary>
    public int InputSize => (int)Input.ElementCount;

    /// <summary>Values going out per sample.</summary>
    public int OutputSize => (int)Output.ElementCount;

    /// <summary>The activation applied to the outputs; Identity for kinds without one.</summary>
    public ActivationKind Activation => Options.OutputActivation;

    /// <summary>The activation's parameter; 0 when unused.</summary>
    public float Alpha => Options.OutputAlpha;
}
