using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[LayerNorm]</c>, with Epsilon (default 1e-3).</summary>
internal sealed class LayerNormParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.LayerNormAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        float epsilon = context.NamedFloat("Epsilon", 1e-3f);
        if (!context.Input.IsVector && context.ShapeKnown)
        {
            context.Report(DiagnosticDescriptors.LayerNeedsFlatInput, context.Index, context.Network, "LayerNorm", context.Input.Describe());
        }
        CheckEpsilon(context, epsilon);
        return LayerParseOutcome.Layer(new LayerNormOptions(epsilon), context.Input);
    }

    /// <summary>SNN0108 unless epsilon is positive and finite.</summary>
    public static void CheckEpsilon(LayerParseContext context, float epsilon)
    {
        if (!(epsilon > 0f && !float.IsInfinity(epsilon)))
        {
            context.Report(DiagnosticDescriptors.LayerSettingOutOfRange, context.Index, context.Network, "Epsilon", LayerParseContext.Float(epsilon), "it must be positive and finite");
        }
    }
}
