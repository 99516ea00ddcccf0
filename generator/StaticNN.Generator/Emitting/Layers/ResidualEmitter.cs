using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>The end of a residual block: output = input + the output of the block's source.</summary>
internal sealed class ResidualEmitter : LayerEmitter
{
    public override int? ExtraSource(LayerSpec layer) => ((ResidualOptions)layer.Options).Source;

    public override string Comment(LayerPlan layer)
    {
        int source = Source(layer);
        return $"Layer {layer.Index}: Residual: output = input + output of {(source < 0 ? "the network input" : $"layer {source}")} ({ActivationEmitter.ShapeText(layer.Spec.Output)})";
    }

    public override (string Shape, string Detail) Summary(LayerPlan layer) =>
        (ActivationEmitter.ShapeText(layer.Spec.Output), "+ " + (Source(layer) < 0 ? "input" : $"layer {Source(layer)}"));

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) => new[] { $"ResidualSource = {Int(Source(layer))}" };

    public override void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source) =>
        w.Line($"{Tensor}.Add<float>({input}, {source}, {output});");

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        int p = layer.PaddedOutputSize;
        EmitInferenceStep(context.Writer, layer, context.Input(layer.Index, layer.PaddedInputSize), context.Output(layer.Index, p), "count", context.Input(Source(layer) + 1, p));
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        int i = layer.Index;
        if (i == 0)
        {
            return;
        }
        context.Writer.Line($"// d(x + f(x)): the gradient flows into f (here) and, below, into the block's input");
        context.Writer.Line($"{context.Delta(i, layer.PaddedOutputSize)}.CopyTo({context.InputDelta(layer)});");
    }

    public override void EmitGradientJoin(TrainingContext context, LayerPlan layer, int sourceDeltaLayer, int stride)
    {
        string target = context.Delta(sourceDeltaLayer, stride);
        context.Writer.Line($"// skip connection of the residual block ending at layer {layer.Index}");
        context.Writer.Line($"{Tensor}.Add<float>({target}, {context.Delta(layer.Index, stride)}, {target});");
    }

    private static int Source(LayerPlan layer) => ((ResidualOptions)layer.Spec.Options).Source;
}
