using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[MaxPool2D]</c>, <c>[AvgPool2D]</c> (pool size, or height and width), <c>[MaxPool1D]</c>, <c>[AvgPool1D]</c>; Stride defaults to the pool size.</summary>
internal sealed class PoolingParser : ILayerParser
{
    private readonly LayerKind _kind;

    public PoolingParser(LayerKind kind) => _kind = kind;

    private int Dimensions => _kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D ? 2 : 1;

    public string AttributeName => _kind switch
    {
        LayerKind.MaxPool2D => KnownTypeNames.MaxPool2DAttribute,
        LayerKind.AvgPool2D => KnownTypeNames.AvgPool2DAttribute,
        LayerKind.MaxPool1D => KnownTypeNames.MaxPool1DAttribute,
        _ => KnownTypeNames.AvgPool1DAttribute,
    };

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        var arguments = context.Arguments;
        int poolHeight, poolWidth;
        if (arguments.Length == 1 && arguments[0].Value is int size)
        {
            (poolHeight, poolWidth) = (Dimensions == 2 ? size : 1, size);
        }
        else if (Dimensions == 2 && arguments.Length == 2 && arguments[0].Value is int height && arguments[1].Value is int width)
        {
            (poolHeight, poolWidth) = (height, width);
        }
        else
        {
            context.Report(DiagnosticDescriptors.InvalidAttributeArgument, _kind.ToString(), context.Network);
            return LayerParseOutcome.Invalid(context.Input);
        }
        TensorShape? grid = WindowParsing.SpatialInput(context, Dimensions, _kind.ToString());
        bool sizesValid = WindowParsing.CheckWindow(context, poolHeight, poolWidth);
        // Stride 0 (the default) is the pool size along each axis, as in Keras and PyTorch.
        bool strideSet = context.NamedInt("Stride") is > 0;
        int stride = WindowParsing.ReadStride(context, fallback: poolWidth);
        if (grid is not { } input || !sizesValid || stride < 1)
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        (int channels, int inputHeight, int inputWidth) = input.Grid;
        Window? window = WindowParsing.Resolve(context, inputHeight, inputWidth, poolHeight, poolWidth, stride, PaddingKind.Valid, "pool window",
            "use a smaller pool size, or pool after fewer size-reducing layers", rowStride: strideSet ? stride : poolHeight);
        if (window is null)
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        TensorShape output = Dimensions == 2
            ? TensorShape.Image(channels, window.OutputHeight(inputHeight), window.OutputWidth(inputWidth))
            : TensorShape.ChannelsLength(channels, window.OutputWidth(inputWidth));
        return LayerParseOutcome.Layer(new PoolingOptions(_kind, window), output, input);
    }
}

/// <summary><c>[GlobalAveragePool2D]</c> and <c>[GlobalAveragePool1D]</c>: (channels, ...) to (channels).</summary>
internal sealed class GlobalAveragePoolParser : ILayerParser
{
    private readonly int _dimensions;

    public GlobalAveragePoolParser(int dimensions) => _dimensions = dimensions;

    public string AttributeName => _dimensions == 2 ? KnownTypeNames.GlobalAveragePool2DAttribute : KnownTypeNames.GlobalAveragePool1DAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        if (WindowParsing.SpatialInput(context, _dimensions, _dimensions == 2 ? "GlobalAveragePool2D" : "GlobalAveragePool1D") is not { } input)
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        return LayerParseOutcome.Layer(new GlobalAveragePoolOptions(_dimensions), TensorShape.Vector(input.Grid.Channels), input);
    }
}

/// <summary><c>[Flatten]</c>: any shape to a vector of all its values.</summary>
internal sealed class FlattenParser : ILayerParser
{
    public string AttributeName => KnownTypeNames.FlattenAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context) =>
        LayerParseOutcome.Layer(new FlattenOptions(), TensorShape.Vector((int)context.Input.ElementCount));
}
