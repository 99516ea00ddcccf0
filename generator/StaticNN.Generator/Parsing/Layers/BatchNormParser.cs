using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[BatchNorm]</c>, with Momentum and Epsilon (Keras defaults 0.99 and 1e-3).</summary>
internal sealed class BatchNormParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.BatchNormAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        float momentum = context.NamedFloat("Momentum", 0.99f);
        float epsilon = context.NamedFloat("Epsilon", 1e-3f);
        if (!(momentum >= 0f && momentum < 1f))
        {
            context.Report(DiagnosticDescriptors.LayerSettingOutOfRange, context.Index, context.Network, "Momentum", LayerParseContext.Float(momentum), "it must be in [0, 1)");
        }
        LayerNormParser.CheckEpsilon(context, epsilon);
        return LayerParseOutcome.Layer(new BatchNormOptions(momentum, epsilon), context.Input);
    }
}
