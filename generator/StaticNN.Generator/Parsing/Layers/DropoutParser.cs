using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[Dropout(rate)]</c>: any shape, unchanged.</summary>
internal sealed class DropoutParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.DropoutAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        float rate = context.Arguments[0].Value is float r ? r : float.NaN;
        if (!(rate >= 0f && rate < 1f))
        {
            context.Report(DiagnosticDescriptors.DropoutRateOutOfRange, context.Index, context.Network, LayerParseContext.Float(rate));
        }
        return LayerParseOutcome.Layer(new DropoutOptions(rate), context.Input);
    }
}
