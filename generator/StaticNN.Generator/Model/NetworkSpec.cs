using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace StaticNN.Generator.Model;

/// <summary>Everything the emitter needs to know about one network.</summary>
/// <remarks>
/// Immutable; structural equality (records, primitives, <see cref="EquatableArray{T}"/>). It holds no symbol, syntax
/// node or location, so the incremental pipeline can cache on it. Keep it that way when adding members.
/// </remarks>
/// <param name="Type">Where the class lives.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="Input">The shape of one input sample.</param>
/// <param name="Layers">The layers, in declaration order.</param>
internal sealed record NetworkSpec(
    TypeHierarchySpec Type,
    LossKind Loss,
    TensorShape Input,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>Input values per sample.</summary>
    public int InputSize => (int)Input.ElementCount;
}

/// <summary>What the parser returns: a spec (null when an error stops generation) and the diagnostics to report.</summary>
/// <remarks>Diagnostics keep their real locations (so <c>#pragma warning disable</c> works); this type is not cached.</remarks>
/// <param name="Spec">The network, or null.</param>
/// <param name="Diagnostics">What to report.</param>
/// <param name="Pretrained">Set when the network bakes weights from a file (and <paramref name="Spec"/> is set).</param>
/// <param name="Placeholder">Set when an error in the attributes stops generation of a class that could take members.</param>
internal sealed record ParseResult(
    NetworkSpec? Spec, ImmutableArray<Diagnostic> Diagnostics, PretrainedRequest? Pretrained = null, InvalidNetworkSpec? Placeholder = null);

/// <summary>
/// A network whose declaration has errors: the generator still gives the class the members a valid network has (with
/// bodies that throw), so the user's code compiles against them and the SNN diagnostics are the only errors.
/// </summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Type">Where the class lives.</param>
/// <param name="BakesWeights">The declaration names a weight file, so a valid network would have <c>CreatePretrained</c>.</param>
internal sealed record InvalidNetworkSpec(TypeHierarchySpec Type, bool BakesWeights);

/// <summary>Compilation-wide facts the emitter uses.</summary>
internal readonly record struct CompilationFeatures(bool AllowUnsafe);
