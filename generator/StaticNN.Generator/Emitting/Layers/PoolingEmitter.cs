using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>
/// MaxPool2D, AvgPool2D, MaxPool1D, AvgPool1D and the global average pools: a window per channel, vectorised across
/// channels (<see cref="PoolingShape"/>). The backward passes add into dL/d(input), which starts at zero.
/// </summary>
internal sealed class PoolingEmitter : LayerEmitter
{
    public override bool CanReadUserRows(LayerSpec layer, Storage userRows) => userRows.IsChannelsLast;

    /// <summary>The window: the layer's, or the whole grid for a global pool.</summary>
    private static (Window Window, bool IsMax) WindowOf(LayerSpec layer)
    {
        if (layer.Options is PoolingOptions pooling)
        {
            return (pooling.Window, pooling.IsMax);
        }
        (_, int height, int width) = layer.Input.Grid;
        return (new Window(height, width, height, width, 0, 0, 0, 0), false);
    }

    private static PoolingShape Shape(LayerPlan layer, PoolingPass pass)
    {
        LayerSpec s = layer.Spec;
        (Window window, bool isMax) = WindowOf(s);
        (int channels, int height, int width) = s.Input.Grid;
        int outputHeight = window.OutputHeight(height), outputWidth = window.OutputWidth(width);
        string what = s.Options is PoolingOptions ? $"{(isMax ? "max" : "mean")} of each {window.SizeText} window{(window.StrideWidth != window.Width ? $", stride {window.StrideWidth}" : "")}" : "mean of each channel";
        string summary = pass == PoolingPass.Forward
            ? $"Layer {s.Index} forward: {s.Output} = {what} of {s.Input}."
            : $"Layer {s.Index} backward: dL/da{s.Index - 1} += {(isMax ? "delta at the first maximum of each window" : "delta / window size at every position of each window")}.";
        return new PoolingShape($"Layer{s.Index}{pass}", summary, pass, isMax,
            layer.InputStorage.SampleStride, width, layer.InputStorage.ChannelStride, channels,
            window.Height, window.Width, window.StrideHeight, window.StrideWidth,
            outputHeight, outputWidth, layer.OutputStorage.ChannelStride, layer.OutputStorage.SampleStride);
    }

    public override string Comment(LayerPlan layer)
    {
        (Window window, _) = WindowOf(layer.Spec);
        string stride = layer.Spec.Options is PoolingOptions ? $", pool {window.SizeText}, stride {window.StrideWidth}" : "";
        return $"Layer {layer.Index}: {layer.Kind} {layer.Spec.Input} -> {ActivationEmitter.ShapeText(layer.Spec.Output)}{stride}";
    }

    public override (string Shape, string Detail) Summary(LayerPlan layer)
    {
        (Window window, _) = WindowOf(layer.Spec);
        return (ActivationEmitter.ShapeText(layer.Spec.Output), layer.Spec.Options is PoolingOptions ? window.SizeText + (window.StrideWidth != window.Width ? "/" + window.StrideWidth : "") : "");
    }

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) =>
        layer.Spec.Options is PoolingOptions pooling ? ConvolutionEmitter.WindowSettings(pooling.Window, PaddingKind.Valid, 0f) : new string[0];

    public override void EmitPredict(PredictContext context, LayerPlan layer)
    {
        context.Writer.Line(context.Scratch);
        context.Writer.Line($"Kernels.Layer{layer.Index}Forward({Ref(context.Input!)}, {Ref(context.Output)}, 1);");
        context.Produce(context.Output);
    }

    public override void EmitPredictBatch(BatchContext context, LayerPlan layer)
    {
        string input = context.Input is null ? $"ref {Unsafe}.Add({Ref("inputs")}, start * InputSize)" : Ref(context.Input);
        context.Writer.Line($"Kernels.Layer{layer.Index}Forward({input}, {Ref(context.Output)}, rows);");
        context.Produce(context.Output);
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer) =>
        context.Writer.Line($"Kernels.Layer{layer.Index}Forward({context.InputRef(layer.Index)}, {ArrayRef($"workspace.Output{layer.Index}")}, count);");

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        int i = layer.Index;
        if (i == 0)
        {
            return;
        }
        SourceWriter w = context.Writer;
        w.Line($"{context.InputDelta(layer)}.Clear();");
        w.Line(WindowOf(layer.Spec).IsMax
            ? $"Kernels.Layer{i}Backward({context.InputRef(i)}, {ArrayRef($"workspace.Output{i}")}, {ArrayRef($"workspace.Delta{i}")}, {ArrayRef($"workspace.Delta{i - 1}")}, count);"
            : $"Kernels.Layer{i}Backward({ArrayRef($"workspace.Delta{i}")}, {ArrayRef($"workspace.Delta{i - 1}")}, count);");
    }

    public override IEnumerable<IKernel> Kernels(LayerPlan layer)
    {
        yield return Shape(layer, PoolingPass.Forward);
        if (layer.Index > 0)
        {
            yield return Shape(layer, PoolingPass.Backward);
        }
    }
}

/// <summary>
/// Flatten: any shape to a vector in PyTorch's order (channel, row, column). Channels-last data is transposed; data
/// already in that order (a vector, one channel, the user's rows) is copied.
/// </summary>
internal sealed class FlattenEmitter : LayerEmitter
{
    private const string Convolution = Runtime + ".ConvolutionLayout";

    public override bool CanReadUserRows(LayerSpec layer, Storage userRows) => true;

    public override string Comment(LayerPlan layer) => $"Layer {layer.Index}: Flatten {layer.Spec.Input} -> {layer.OutputSize}";

    public override (string Shape, string Detail) Summary(LayerPlan layer) => ($"{layer.OutputSize}", "");

    /// <summary>The input seen as positions x channels: the logical order is one position of every value.</summary>
    private static (int Positions, int ChannelStride, int Channels) View(LayerPlan layer)
    {
        Storage s = layer.InputStorage;
        return s.IsLogicalOrder ? (1, s.SampleStride, layer.InputSize) : (s.Positions, s.ChannelStride, s.Channels);
    }

    private static string Call(LayerPlan layer, string input, string samples, string output)
    {
        (int positions, int stride, int channels) = View(layer);
        return $"{Convolution}.ToChannelsFirst({input}, {samples}, {layer.InputStorage.SampleStride}, {positions}, {stride}, {channels}, {output}, {layer.PaddedOutputSize});";
    }

    public override void EmitPredict(PredictContext context, LayerPlan layer)
    {
        context.Writer.Line(context.Scratch);
        context.Writer.Line(Call(layer, context.Input!, "1", context.Output));
        context.Produce(context.Output);
    }

    public override void EmitPredictBatch(BatchContext context, LayerPlan layer)
    {
        string input = context.Input is null ? "inputs.Slice(start * InputSize, rows * InputSize)" : context.Input;
        context.Writer.Line(Call(layer, input, "rows", context.Output));
        context.Produce(context.Output);
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer) =>
        context.Writer.Line(Call(layer, context.Input(layer.Index, layer.InputStorage.SampleStride), "count", context.Output(layer.Index, layer.PaddedOutputSize)));

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        if (layer.Index == 0)
        {
            return;
        }
        (int positions, int stride, int channels) = View(layer);
        context.Writer.Line($"{Convolution}.ToChannelsLast({context.Delta(layer.Index, layer.PaddedOutputSize)}, count, {layer.PaddedOutputSize}, {positions}, {channels}, {stride}, {context.InputDelta(layer)}, {layer.PaddedInputSize});");
    }
}
