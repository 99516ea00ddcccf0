using System;
using System.Collections.Generic;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>The emitter of each layer kind; the parsing side's twin is <c>Parsing.Layers.LayerParsers</c>.</summary>
internal static class LayerEmitters
{
    private static readonly Dictionary<LayerKind, LayerEmitter> s_emitters = new()
    {
        [LayerKind.Dense] = new DenseEmitter(),
        [LayerKind.Dropout] = new DropoutEmitter(),
        [LayerKind.BatchNorm] = new BatchNormEmitter(),
        [LayerKind.LayerNorm] = new LayerNormEmitter(),
        [LayerKind.Activation] = new ActivationEmitter(),
        [LayerKind.Residual] = new ResidualEmitter(),
    };

    public static LayerEmitter For(LayerKind kind) =>
        s_emitters.TryGetValue(kind, out LayerEmitter? emitter) ? emitter : throw new InvalidOperationException($"No emitter for layer kind {kind}.");

    /// <summary>Every registered emitter, once each, in a fixed order (for members a kind adds to the network).</summary>
    public static IEnumerable<LayerEmitter> All => s_emitters.Values;
}
