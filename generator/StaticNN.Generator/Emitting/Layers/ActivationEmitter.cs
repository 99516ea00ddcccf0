using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>An activation as a layer of its own, element-wise on any shape (Softmax over a last 1-D layer).</summary>
internal sealed class ActivationEmitter : LayerEmitter
{
    public override bool CanFuseLoss => true;

    public override string Comment(LayerPlan layer) =>
        $"Layer {layer.Index}: Activation {layer.Spec.Activation}{ActivationCode.AlphaText(layer.Spec)} over {ShapeText(layer.Spec.Output)}";

    public override (string Shape, string Detail) Summary(LayerPlan layer) => (ShapeText(layer.Spec.Output), layer.Spec.Activation.ToString());

    /// <summary>A vector as its size ("64"), other shapes as "(32, 26, 26)".</summary>
    internal static string ShapeText(TensorShape shape) => shape.IsVector ? shape.D0.ToString(System.Globalization.CultureInfo.InvariantCulture) : shape.ToString();

    public override void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source)
    {
        if (layer.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line($"{input}.CopyTo({output});");
            w.Line($"{VectorMath}.SoftmaxPaddedRows({output}, {rows}, {layer.PaddedOutputSize}, {layer.OutputSize});");
        }
        else
        {
            w.Line($"{ActivationLayer}.Forward(global::StaticNN.Activation.{layer.Spec.Activation}, {Float(layer.Spec.Alpha)}, {input}, {output});");
        }
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        string input = context.Input(layer.Index, layer.PaddedInputSize), output = context.Output(layer.Index, layer.PaddedOutputSize);
        if (layer.LossIsFused)
        {
            context.Writer.Line($"{input}.CopyTo({output});");
        }
        else
        {
            EmitInferenceStep(context.Writer, layer, input, output, "count", null);
        }
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        int i = layer.Index, p = layer.PaddedOutputSize;
        if (i == 0)
        {
            return;
        }
        SourceWriter w = context.Writer;
        string inputDelta = context.InputDelta(layer);
        w.Line($"{context.Delta(i, p)}.CopyTo({inputDelta});");
        if (layer.LossIsFused)
        {
            w.Line($"// dL/dz = p - t (fused {layer.Spec.Activation} + {context.Loss}), already in Delta{i}.");
        }
        else if (layer.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line($"{ActivationGradients}.SoftmaxBackward({context.Output(i, p)}, {inputDelta}, count, {p}, {layer.OutputSize});");
        }
        else if (layer.Spec.Activation != ActivationKind.Identity)
        {
            w.Line($"{ActivationGradients}.Backward(global::StaticNN.Activation.{layer.Spec.Activation}, {Float(layer.Spec.Alpha)}, {context.Input(i, p)}, {context.Output(i, p)}, {inputDelta});");
        }
    }
}
