using System.Collections.Generic;
using System.Linq;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary>
/// Every layer attribute the generator understands, with its parser. Adding a layer kind means adding its parser
/// here (and its emitter to <c>Emitting.Layers.LayerEmitters</c>); nothing else tells kinds apart.
/// </summary>
internal static class LayerParsers
{
    private static readonly ILayerParser[] s_parsers =
    {
        new DenseParser(),
        new DropoutParser(),
        new BatchNormParser(),
        new LayerNormParser(),
        new ActivationParser(),
        new ResidualBeginParser(),
        new ResidualEndParser(),
        new ConvolutionParser(dimensions: 2),
        new ConvolutionParser(dimensions: 1),
        new PoolingParser(Model.LayerKind.MaxPool2D),
        new PoolingParser(Model.LayerKind.AvgPool2D),
        new PoolingParser(Model.LayerKind.MaxPool1D),
        new PoolingParser(Model.LayerKind.AvgPool1D),
        new GlobalAveragePoolParser(dimensions: 2),
        new GlobalAveragePoolParser(dimensions: 1),
        new FlattenParser(),
    };

    private static readonly Dictionary<string, ILayerParser> s_byName = s_parsers.ToDictionary(p => p.AttributeName);

    /// <summary>The metadata names of every layer attribute.</summary>
    public static IEnumerable<string> AttributeNames => s_parsers.Select(p => p.AttributeName);

    /// <summary>The parser of an attribute, or null when the attribute is not a layer.</summary>
    public static ILayerParser? For(string? attributeName) =>
        attributeName is not null && s_byName.TryGetValue(attributeName, out ILayerParser? parser) ? parser : null;
}
