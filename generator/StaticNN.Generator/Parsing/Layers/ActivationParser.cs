using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[Activation(activation)]</c>, with Alpha: any shape, unchanged.</summary>
internal sealed class ActivationParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.ActivationAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        if (context.Arguments.Length != 1 || context.Arguments[0].Value is not int value)
        {
            context.Report(DiagnosticDescriptors.InvalidAttributeArgument, "Activation", context.Network);
            return LayerParseOutcome.Invalid(context.Input);
        }
        if (!context.TryReadActivation(value, out ActivationKind activation))
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        float alpha = context.ReadAlpha(activation);
        return LayerParseOutcome.Layer(new ActivationOptions(activation, alpha), context.Input);
    }
}
