using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>Layer normalization: each sample over its features, the same in training and inference.</summary>
internal sealed class LayerNormEmitter : LayerEmitter
{
    public override SlotRequest Place(LayerSpec layer, LayerTensor tensor) => NormalizationCode.Place(layer, tensor);

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        int i = layer.Index, p = layer.PaddedOutputSize;
        yield return WorkspaceBuffer.PerSampleRows($"Normalized{i}", $"Layer {i} normalised inputs, [samples][{p}].", p);
        yield return WorkspaceBuffer.PerSampleRows($"InverseStd{i}", $"Layer {i} 1 / sqrt(variance + epsilon) per sample.", 1);
    }

    public override bool WritesFirstInputGradient => true;

    public override string Comment(LayerPlan layer) =>
        $"Layer {layer.Index}: LayerNorm {layer.OutputSize}, epsilon {Float(Epsilon(layer))} (scale at {layer.WeightOffset}, shift at {layer.BiasOffset})";

    public override (string Shape, string Detail) Summary(LayerPlan layer) => ($"{layer.OutputSize}", "");

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) => new[] { $"Epsilon = {Float(Epsilon(layer))}" };

    public override void EmitInitialization(SourceWriter w, LayerPlan layer, NetworkPlan plan)
    {
        w.Line($"// Layer {layer.Index}: LayerNorm scale 1, shift 0.");
        w.Line($"parameters.Slice({layer.WeightOffset}, {layer.OutputSize}).Fill(1f);");
    }

    public override void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source)
    {
        int p = layer.PaddedOutputSize;
        w.Line($"{Normalization}.LayerNormForward({input}, {rows}, {p}, {layer.OutputSize}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(Epsilon(layer))}, {Span}.Empty, {Span}.Empty, {output});");
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        int l = layer.Index, p = layer.PaddedOutputSize;
        context.Writer.Line($"{Normalization}.LayerNormForward({context.Input(l, layer.PaddedInputSize)}, count, {p}, {layer.OutputSize}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(Epsilon(layer))}, {Rows($"workspace.Normalized{l}", p)}, new {Span}(workspace.InverseStd{l}, 0, count), {context.Output(l, p)});");
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer) =>
        NormalizationCode.EmitBackward(context, layer, $"new {Span}(workspace.InverseStd{layer.Index}, 0, count)");

    private static float Epsilon(LayerPlan layer) => ((LayerNormOptions)layer.Spec.Options).Epsilon;
}
