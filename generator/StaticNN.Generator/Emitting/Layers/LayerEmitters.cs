using System;
using System.Collections.Generic;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>The emitter of each layer kind; the parsing side's twin is <c>Parsing.Layers.LayerParsers</c>.</summary>
internal static class LayerEmitters
{
    private static readonly LayerEmitter s_convolution = new ConvolutionEmitter();
    private static readonly LayerEmitter s_pooling = new PoolingEmitter();

    private static readonly Dictionary<LayerKind, LayerEmitter> s_emitters = new()
    {
        [LayerKind.Dense] = new DenseEmitter(),
        [LayerKind.Dropout] = new DropoutEmitter(),
        [LayerKind.BatchNorm] = new BatchNormEmitter(),
        [LayerKind.LayerNorm] = new LayerNormEmitter(),
        [LayerKind.Activation] = new ActivationEmitter(),
        [LayerKind.Residual] = new ResidualEmitter(),
        [LayerKind.Conv2D] = s_convolution,
        [LayerKind.Conv1D] = s_convolution,
        [LayerKind.MaxPool2D] = s_pooling,
        [LayerKind.AvgPool2D] = s_pooling,
        [LayerKind.MaxPool1D] = s_pooling,
        [LayerKind.AvgPool1D] = s_pooling,
        [LayerKind.GlobalAveragePool2D] = s_pooling,
        [LayerKind.GlobalAveragePool1D] = s_pooling,
        [LayerKind.Flatten] = new FlattenEmitter(),
    };

    public static LayerEmitter For(LayerKind kind) =>
        s_emitters.TryGetValue(kind, out LayerEmitter? emitter) ? emitter : throw new InvalidOperationException($"No emitter for layer kind {kind}.");

    /// <summary>Every registered emitter, once each, in a fixed order (for members a kind adds to the network).</summary>
    public static IEnumerable<LayerEmitter> All => System.Linq.Enumerable.Distinct(s_emitters.Values);
}
