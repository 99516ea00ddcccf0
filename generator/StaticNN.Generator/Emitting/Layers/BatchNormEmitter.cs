using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>Batch normalization: batch statistics (and a running-statistics update) in training, running statistics in inference.</summary>
internal sealed class BatchNormEmitter : LayerEmitter
{
    public override SlotRequest Place(LayerSpec layer, LayerTensor tensor) => new(SlotLayout.Vector, tensor.Suffix switch
    {
        "weight" => $"scale[{NetworkPlan.Pad(layer.OutputSize)}]",
        "bias" => $"shift[{NetworkPlan.Pad(layer.OutputSize)}]",
        "running_mean" => $"running mean[{NetworkPlan.Pad(layer.OutputSize)}]",
        _ => $"running variance[{NetworkPlan.Pad(layer.OutputSize)}]",
    });

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        int i = layer.Index, p = layer.PaddedOutputSize;
        yield return WorkspaceBuffer.PerSampleRows($"Normalized{i}", $"Layer {i} normalised inputs, [samples][{p}].", p);
        yield return WorkspaceBuffer.Fixed($"InverseStd{i}", $"Layer {i} 1 / sqrt(batch variance + epsilon) per feature.", p);
    }

    public override bool HasTrainingMode => true;

    public override bool WritesFirstInputGradient => true;

    public override string Comment(LayerPlan layer)
    {
        BatchNormOptions o = Options(layer);
        return $"Layer {layer.Index}: BatchNorm {layer.OutputSize}, momentum {Float(o.Momentum)}, epsilon {Float(o.Epsilon)} (scale at {layer.WeightOffset}, shift at {layer.BiasOffset}, running statistics at {layer.StateOffset} in the state block)";
    }

    public override (string Shape, string Detail) Summary(LayerPlan layer) => ($"{layer.OutputSize}", "");

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) => new[] { $"Momentum = {Float(Options(layer).Momentum)}", $"Epsilon = {Float(Options(layer).Epsilon)}" };

    public override void EmitInitialization(SourceWriter w, LayerPlan layer, NetworkPlan plan)
    {
        w.Line($"// Layer {layer.Index}: BatchNorm scale 1, shift 0, running mean 0, running variance 1.");
        w.Line($"parameters.Slice({layer.WeightOffset}, {layer.OutputSize}).Fill(1f);");
        w.Line($"_state.Span.Slice({layer.Slot("running_var")!.Offset}, {layer.OutputSize}).Fill(1f);");
    }

    public override void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source)
    {
        int p = layer.PaddedOutputSize;
        w.Line($"{Normalization}.BatchNormInference({input}, {rows}, {p}, {layer.OutputSize}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {StateSlice(layer.StateOffset, p)}, {StateSlice(layer.Slot("running_var")!.Offset, p)}, {Float(Options(layer).Epsilon)}, {output});");
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        int l = layer.Index, p = layer.PaddedOutputSize;
        BatchNormOptions o = Options(layer);
        string input = context.Input(l, layer.PaddedInputSize), output = context.Output(l, p);
        w.OpenBrace("if (training)");
        w.Line($"{Normalization}.BatchNormTraining({input}, count, {p}, {layer.OutputSize}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(o.Epsilon)}, {Float(o.Momentum)}, {StateSlice(layer.StateOffset, p)}, {StateSlice(layer.Slot("running_var")!.Offset, p)}, {Rows($"workspace.Normalized{l}", p)}, workspace.InverseStd{l}, {output});");
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
        int i = layer.Index, p = layer.PaddedOutputSize;
        context.Writer.Line($"// scale and shift gradients, and dL/d(input)");
        context.Writer.Line($"{Normalization}.{layer.Kind}Backward({context.Delta(i, p)}, {Rows($"workspace.Normalized{i}", p)}, {inverseStd}, {ParameterSlice(layer.WeightOffset, p)}, count, {p}, {layer.OutputSize}, {context.InputDelta(layer)}, gradients.Slice({layer.WeightOffset}, {p}), gradients.Slice({layer.BiasOffset}, {p}));");
    }

    public static SlotRequest Place(LayerSpec layer, LayerTensor tensor) =>
        new(SlotLayout.Vector, $"{(tensor.Suffix == "weight" ? "scale" : "shift")}[{NetworkPlan.Pad(layer.OutputSize)}]");
}
