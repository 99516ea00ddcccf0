using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[ResidualBegin]</c>: opens a block; adds no layer.</summary>
internal sealed class ResidualBeginParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.ResidualBeginAttribute;

    public bool IsLayer => false;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        context.OpenBlocks.Push(new OpenResidualBlock(context.Index - 1, context.Input, context.Index));
        return LayerParseOutcome.Marker(context.Input);
    }
}

/// <summary><c>[ResidualEnd]</c>: closes the innermost block with a layer that adds the block's input.</summary>
internal sealed class ResidualEndParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.ResidualEndAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        if (context.OpenBlocks.Count == 0 || context.OpenBlocks.Peek().FirstLayer == context.Index)
        {
            context.Report(DiagnosticDescriptors.ResidualUnbalanced, context.Network, "ResidualEnd", "ResidualBegin");
            return LayerParseOutcome.Invalid(context.Input);
        }
        OpenResidualBlock block = context.OpenBlocks.Pop();
        if (block.Shape != context.Input)
        {
            context.Report(DiagnosticDescriptors.ResidualSizeMismatch, context.Index, context.Network, Describe(block.Shape), Describe(context.Input));
        }
        return LayerParseOutcome.Layer(new ResidualOptions(block.Source), context.Input);
    }

    /// <summary>A vector as its size (the message says "takes 8 values"), other shapes as "(32, 13, 13)".</summary>
    private static string Describe(Model.TensorShape shape) => shape.IsVector ? shape.D0.ToString(System.Globalization.CultureInfo.InvariantCulture) : shape.ToString();
}
