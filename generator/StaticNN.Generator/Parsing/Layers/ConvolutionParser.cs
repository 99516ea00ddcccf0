using System;
using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Parsing.Layers;

/// <summary><c>[Conv2D(filters, kernel[, kernelWidth], activation)]</c> and <c>[Conv1D(filters, kernel, activation)]</c>.</summary>
internal sealed class ConvolutionParser : ILayerParser
{
    private readonly int _dimensions;

    public ConvolutionParser(int dimensions) => _dimensions = dimensions;

    public string AttributeName => _dimensions == 2 ? KnownTypeNames.Conv2DAttribute : KnownTypeNames.Conv1DAttribute;

    public bool IsLayer => true;

    public LayerParseOutcome Parse(LayerParseContext context)
    {
        string kind = _dimensions == 2 ? "Conv2D" : "Conv1D";
        // (filters, kernel, activation), or Conv2D's (filters, kernelHeight, kernelWidth, activation).
        var arguments = context.Arguments;
        int filters, kernelHeight, kernelWidth, activationValue;
        if (arguments.Length == 3 && arguments[0].Value is int f3 && arguments[1].Value is int k && arguments[2].Value is int a3)
        {
            (filters, kernelHeight, kernelWidth, activationValue) = (f3, _dimensions == 2 ? k : 1, k, a3);
        }
        else if (_dimensions == 2 && arguments.Length == 4 && arguments[0].Value is int f4 && arguments[1].Value is int kh && arguments[2].Value is int kw && arguments[3].Value is int a4)
        {
            (filters, kernelHeight, kernelWidth, activationValue) = (f4, kh, kw, a4);
        }
        else
        {
            context.Report(DiagnosticDescriptors.InvalidAttributeArgument, kind, context.Network);
            return LayerParseOutcome.Invalid(context.Input);
        }
        if (!context.TryReadActivation(activationValue, out ActivationKind activation))
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        TensorShape? grid = WindowParsing.SpatialInput(context, _dimensions, kind);
        context.CheckSize($"Layer {context.Index}", filters);
        bool sizesValid = WindowParsing.CheckWindow(context, kernelHeight, kernelWidth);
        int stride = WindowParsing.ReadStride(context, fallback: 1);
        PaddingKind padding = WindowParsing.ReadPadding(context);
        float alpha = context.ReadAlpha(activation);
        float l2 = context.ReadL2();
        bool hasBias = context.NamedBool("UseBias", true);
        if (grid is not { } input || !sizesValid || stride < 1 || filters < 1)
        {
            return LayerParseOutcome.Invalid(context.Input);
        }

        (_, int height, int width) = input.Grid;
        Window? window = WindowParsing.Resolve(context, height, width, kernelHeight, kernelWidth, stride, padding, "kernel",
            "use a smaller kernel or Padding = Padding.Same");
        if (window is null)
        {
            return LayerParseOutcome.Invalid(context.Input);
        }
        TensorShape output = _dimensions == 2
            ? TensorShape.Image(filters, window.OutputHeight(height), window.OutputWidth(width))
            : TensorShape.ChannelsLength(filters, window.OutputWidth(width));
        WindowParsing.CheckOutput(context, output);
        return LayerParseOutcome.Layer(new ConvolutionOptions(_dimensions, filters, window, padding, activation, alpha, hasBias, l2), output, input);
    }
}

/// <summary>Reading and checking the window of convolution and pooling layers.</summary>
internal static class WindowParsing
{
    /// <summary>Largest number of values one layer may produce per sample (16 MiB of float32).</summary>
    public const long MaxTensorElements = 1 << 22;

    /// <summary>
    /// The layer's input as (channels, height, width) or (channels, length); a (rows, columns) input is read as one
    /// channel of (height, width) by 2-D layers and as (channels, length) by 1-D layers. SNN0110 and null otherwise.
    /// </summary>
    public static TensorShape? SpatialInput(LayerParseContext context, int dimensions, string kind)
    {
        TensorShape? shape = dimensions == 2 ? context.Input.AsImage() : context.Input.AsChannelsLength();
        if (shape is null && context.ShapeKnown)
        {
            context.Report(DiagnosticDescriptors.LayerNeedsSpatialInput, context.Index, context.Network, kind,
                dimensions == 2 ? "(channels, height, width) or (height, width)" : "(channels, length)", context.Input.Describe());
        }
        return shape;
    }

    /// <summary>SNN0101 for a window dimension below 1; true when both are valid.</summary>
    public static bool CheckWindow(LayerParseContext context, int height, int width)
    {
        bool valid = true;
        foreach (int size in new[] { height, width })
        {
            if (size < 1)
            {
                context.Report(DiagnosticDescriptors.SizeNotPositive, $"The window of layer {context.Index}", context.Network, size);
                valid = false;
                break;
            }
        }
        return valid;
    }

    /// <summary>The Stride setting (SNN0108 below 1); <paramref name="fallback"/> when absent or 0 for pooling.</summary>
    public static int ReadStride(LayerParseContext context, int fallback)
    {
        int? stride = context.NamedInt("Stride");
        if (stride is null || (stride == 0 && fallback != 1))
        {
            return fallback;
        }
        if (stride < 1)
        {
            context.Report(DiagnosticDescriptors.LayerSettingOutOfRange, context.Index, context.Network, "Stride",
                stride.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "it must be at least 1");
        }
        return stride.Value;
    }

    public static PaddingKind ReadPadding(LayerParseContext context)
    {
        int? value = context.NamedInt("Padding");
        if (value is null)
        {
            return PaddingKind.Valid;
        }
        if (!Enum.IsDefined(typeof(PaddingKind), value.Value))
        {
            context.Report(DiagnosticDescriptors.UndefinedEnumValue, "Padding", value.Value, context.Network);
            return PaddingKind.Valid;
        }
        return (PaddingKind)value.Value;
    }

    /// <summary>
    /// Resolves the padding: none for Valid (SNN0112 when the window does not fit), Keras' Same otherwise (output
    /// ceil(input / stride), the odd one of the total after the input, SNN0113).
    /// </summary>
    public static Window? Resolve(LayerParseContext context, int height, int width, int windowHeight, int windowWidth, int stride,
        PaddingKind padding, string what, string fix, int? rowStride = null)
    {
        int strideHeight = windowHeight == 1 && height == 1 ? 1 : rowStride ?? stride;
        if (padding == PaddingKind.Valid)
        {
            if (windowHeight > height || windowWidth > width)
            {
                context.Report(DiagnosticDescriptors.WindowLargerThanInput, context.Index, context.Network,
                    Size(windowHeight, windowWidth), what, Size(height, width), fix);
                return null;
            }
            return new Window(windowHeight, windowWidth, strideHeight, stride, 0, 0, 0, 0);
        }
        (int top, int bottom) = Same(height, windowHeight, strideHeight);
        (int left, int right) = Same(width, windowWidth, stride);
        if (top != bottom || left != right)
        {
            string where = top != bottom && left != right ? "bottom and the right" : top != bottom ? "bottom" : "right";
            string pads = height == 1 ? $"{left} left and {right} right" : $"{top} top, {bottom} bottom, {left} left and {right} right";
            int total = top != bottom ? top + bottom : left + right;
            bool evenKernel = (top != bottom && windowHeight % 2 == 0) || (left != right && windowWidth % 2 == 0);
            string advice = evenKernel
                ? "use an odd kernel for symmetric padding"
                : $"with stride {stride}, the padding is symmetric when input - kernel is a multiple of the stride";
            context.Report(DiagnosticDescriptors.SamePaddingAsymmetric, context.Index, context.Network, pads,
                Size(windowHeight, windowWidth), stride, total, where, advice);
        }
        return new Window(windowHeight, windowWidth, strideHeight, stride, top, bottom, left, right);
    }

    /// <summary>SNN0115 when the layer would produce more than <see cref="MaxTensorElements"/> values per sample.</summary>
    public static void CheckOutput(LayerParseContext context, TensorShape output)
    {
        if (output.ElementCount > MaxTensorElements)
        {
            context.Report(DiagnosticDescriptors.TensorTooLarge, context.Index, context.Network, output.Describe(), output.ElementCount, MaxTensorElements);
        }
    }

    /// <summary>Keras' Same padding of one axis: total max((ceil(n / s) - 1) * s + k - n, 0), the extra one after.</summary>
    private static (int Before, int After) Same(int size, int window, int stride)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - size, 0);
        return (total / 2, total - total / 2);
    }

    private static string Size(int height, int width) => height == 1 ? $"{width}" : $"{height}x{width}";
}
