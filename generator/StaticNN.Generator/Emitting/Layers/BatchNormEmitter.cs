using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>Batch normalization: batch statistics (and a running-statistics update) in training, running statistics in inference.</summary>
internal sealed class BatchNormEmitter : LayerEmitter
{
    public override SlotRequest Place(LayerSpec layer, LayerTensor tensor) => tensor.Suffix switch
    {
        "running_mean" => new(SlotLayout.Vector, $"running mean[{NetworkPlan.Pad(tensor.Shape[0])}]"),
        "running_var" => new(SlotLayout.Vector, $"running variance[{NetworkPlan.Pad(tensor.Shape[0])}]"),
        _ => NormalizationCode.Place(layer, tensor),
    };

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        int i = layer.Index, p = layer.PaddedOutputSize;
        yield return WorkspaceBuffer.PerSampleRows($"Normalized{i}", $"Layer {i} normalised inputs, [samples][{p}].", p);
        yield return WorkspaceBuffer.Fixed($"InverseStd{i}", $"Layer {i} 1 / sqrt(batch variance + epsilon) per {(layer.OutputStorage.Positions == 1 ? "feature" : "channel")}.", layer.OutputStorage.ChannelStride);
    }

    public override bool HasTrainingMode => true;

    public override bool WritesFirstInputGradient => true;

    public override string Comment(LayerPlan layer)
    {
        BatchNormOptions o = Options(layer);
        return $"Layer {layer.Index}: BatchNorm {ShortSize(layer)}, momentum {Float(o.Momentum)}, epsilon {Float(o.Epsilon)} (scale at {layer.WeightOffset}, shift at {layer.BiasOffset}, running statistics at {layer.StateOffset} in the state block)";
    }

    public override (string Shape, string Detail) Summary(LayerPlan layer) => (ShortSize(layer), "");

    public override string ShortName(LayerPlan layer) => $"BatchNorm {ShortSize(layer)}";

    /// <summary>"64", or "32 channels of (32, 13, 13)" after a convolution.</summary>
    private static string ShortSize(LayerPlan layer) =>
        layer.Spec.Output.IsSpatial ? $"{layer.Spec.Output.Grid.Channels} channels of {layer.Spec.Output}" : $"{layer.OutputSize}";

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) => new[] { $"Momentum = {Float(Options(layer).Momentum)}", $"Epsilon = {Float(Options(layer).Epsilon)}" };

    public override void EmitInitialization(SourceWriter w, LayerPlan layer, NetworkPlan plan)
    {
        int features = layer.Slot("weight")!.Count;
        w.Line($"// Layer {layer.Index}: BatchNorm scale 1, shift 0, running mean 0, running variance 1.");
        w.Line($"parameters.Slice({layer.WeightOffset}, {features}).Fill(1f);");
        w.Line($"_state.Span.Slice({layer.Slot("running_var")!.Offset}, {features}).Fill(1f);");
    }

    public override void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source)
    {
        Storage storage = layer.OutputStorage;
        int p = storage.ChannelStride;
        w.Line($"{Normalization}.BatchNormInference({input}, {layer.OutputRows(rows)}, {p}, {storage.Channels}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {StateSlice(layer.StateOffset, p)}, {StateSlice(layer.Slot("running_var")!.Offset, p)}, {Float(Options(layer).Epsilon)}, {output});");
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        int l = layer.Index, p = layer.OutputStorage.ChannelStride;
        BatchNormOptions o = Options(layer);
        string input = context.Input(l, layer.PaddedInputSize), output = context.Output(l, layer.PaddedOutputSize);
        w.OpenBrace("if (training)");
        w.Line($"{Normalization}.BatchNormTraining({input}, {layer.OutputRows("count")}, {p}, {layer.OutputStorage.Channels}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(o.Epsilon)}, {Float(o.Momentum)}, {StateSlice(layer.StateOffset, p)}, {StateSlice(layer.Slot("running_var")!.Offset, p)}, {Rows($"workspace.Normalized{l}", layer.PaddedOutputSize)}, workspace.InverseStd{l}, {output});");
        w.CloseBrace();
        w.OpenBrace("else");
        EmitInferenceStep(w, layer, input, output, "count", null);
        w.CloseBrace();
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer) =>
        NormalizationCode.EmitBackward(context, layer, $"workspace.InverseStd{layer.Index}");

    private static BatchNormOptions Options(LayerPlan layer) => (BatchNormOptions)layer.Spec.Options;
}

/// <summary>Code the normalization kinds share.</summary>
internal static class NormalizationCode
{
    /// <summary>Scale and shift gradients and dL/d(input), from the normalised values kept by the forward pass.</summary>
    public static void EmitBackward(TrainingContext context, LayerPlan layer, string inverseStd)
    {
        int i = layer.Index, p = layer.PaddedOutputSize, c = layer.OutputStorage.ChannelStride;
        context.Writer.Line($"// scale and shift gradients, and dL/d(input)");
        context.Writer.Line($"{Normalization}.{layer.Kind}Backward({context.Delta(i, p)}, {Rows($"workspace.Normalized{i}", p)}, {inverseStd}, {ParameterSlice(layer.WeightOffset, c)}, {layer.OutputRows("count")}, {c}, {layer.OutputStorage.Channels}, {context.InputDelta(layer)}, gradients.Slice({layer.WeightOffset}, {c}), gradients.Slice({layer.BiasOffset}, {c}));");
    }

    public static SlotRequest Place(LayerSpec layer, LayerTensor tensor) =>
        new(SlotLayout.Vector, $"{(tensor.Suffix == "weight" ? "scale" : "shift")}[{NetworkPlan.Pad(tensor.Shape[0])}]");
}
