using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[Dense(units, activation)]</c>, with UseBias, Alpha and L2.</summary>
internal sealed class DenseParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.DenseAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        if (context.Arguments.Length != 2 || context.Arguments[0].Value is not int units || context.Arguments[1].Value is not int activationValue)
        {
            context.Report(DiagnosticDescriptors.InvalidAttributeArgument, "Dense", context.Network);
            return LayerParseOutcome.Invalid(context.Input);
        }
        if (!context.TryReadActivation(activationValue, out ActivationKind activation))
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        bool hasBias = context.NamedBool("UseBias", true);
        if (!context.Input.IsVector && context.ShapeKnown)
        {
            context.Report(DiagnosticDescriptors.LayerNeedsFlatInput, context.Index, context.Network, "Dense", context.Input.Describe());
        }
        context.CheckSize($"Layer {context.Index}", units);
        float alpha = context.ReadAlpha(activation);
        float l2 = context.ReadL2();
        return LayerParseOutcome.Layer(new DenseOptions(units, activation, alpha, hasBias, l2), TensorShape.Vector(units));
    }
}
