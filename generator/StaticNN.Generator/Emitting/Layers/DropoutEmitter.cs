using System.Collections.Generic;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>Inverted dropout: a mask drawn from the network's seeded stream in training, the identity in inference.</summary>
internal sealed class DropoutEmitter : LayerEmitter
{
    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        yield return WorkspaceBuffer.PerSampleRows($"Mask{layer.Index}", $"Layer {layer.Index} dropout mask, [samples][{layer.PaddedOutputSize}].", layer.PaddedOutputSize);
    }

    public override bool UsesTrainingRandom => true;

    public override bool HasTrainingMode => true;

    public override bool IsIdentityInInference => true;

    public override string Comment(LayerPlan layer) => $"Layer {layer.Index}: Dropout {ActivationEmitter.ShapeText(layer.Spec.Output)}, rate {Float(Rate(layer))}";

    public override (string Shape, string Detail) Summary(LayerPlan layer) => (ActivationEmitter.ShapeText(layer.Spec.Output), "rate " + Float(Rate(layer)));

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) => new[] { $"Rate = {Float(Rate(layer))}" };

    public override void EmitPredict(PredictContext context, LayerPlan layer)
    {
        context.Writer.Line("// (the identity in inference)");
        context.Produce(context.Input!);
    }

    public override void EmitPredictBatch(BatchContext context, LayerPlan layer) => context.Produce(context.Input);

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        int l = layer.Index, p = layer.PaddedOutputSize;
        string input = context.Input(l, layer.PaddedInputSize), output = context.Output(l, p);
        w.OpenBrace("if (training)");
        Storage storage = layer.OutputStorage;
        w.Line($"{Dropout}.Forward({input}, {layer.OutputRows("count")}, {storage.ChannelStride}, {storage.Channels}, {Float(Rate(layer))}, ref _trainingRandom, {Rows($"workspace.Mask{l}", p)}, {output});");
        w.CloseBrace();
        w.OpenBrace("else");
        w.Line($"{input}.CopyTo({output});");
        w.CloseBrace();
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        if (layer.Index == 0)
        {
            return;
        }
        int i = layer.Index, p = layer.PaddedOutputSize;
        context.Writer.Line($"{Dropout}.Backward({context.Delta(i, p)}, {Rows($"workspace.Mask{i}", p)}, {context.InputDelta(layer)});");
    }

    public override void EmitMembers(SourceWriter w, NetworkPlan plan, IReadOnlyList<LayerPlan> layers)
    {
        string display = plan.Spec.Type.Type.Name.TrimStart('@');
        w.Line("/// <summary>Copies the dropout mask of layer <paramref name=\"layer\"/> used by the last training batch (samples x size: 0 or 1 / (1 - rate)).</summary>");
        w.Line(GeneratedCode);
        w.OpenBrace($"public void CopyLastDropoutMask(int layer, {Span} mask)");
        w.Line("TrainingWorkspace workspace = _workspace ?? throw new global::System.InvalidOperationException(\"No training batch has run yet.\");");
        w.OpenBrace("switch (layer)");
        foreach (LayerPlan layer in layers)
        {
            w.OpenBrace($"case {layer.Index}:");
            w.Line($"{Arguments}.ThrowIfLengthIsNot(mask.Length, workspace.Count * {layer.OutputSize}, \"{display}\", \"mask values (last batch samples x {layer.OutputSize})\", nameof(mask));");
            if (layer.OutputStorage.Positions == 1)
            {
                w.OpenBrace("for (int r = 0; r < workspace.Count; r++)");
                w.Line($"new {ReadOnlySpan}(workspace.Mask{layer.Index}, r * {layer.PaddedOutputSize}, {layer.OutputSize}).CopyTo(mask.Slice(r * {layer.OutputSize}));");
                w.CloseBrace();
            }
            else
            {
                Storage s = layer.OutputStorage;
                w.Line("// The mask is kept channels-last; copy it out in the channels-first order of the inputs.");
                w.Line($"{Runtime}.ConvolutionLayout.ToChannelsFirst(workspace.Mask{layer.Index}, workspace.Count, {s.SampleStride}, {s.Positions}, {s.ChannelStride}, {s.Channels}, mask, {layer.OutputSize});");
            }
            w.Line("return;");
            w.CloseBrace();
        }
        w.OpenBrace("default:");
        w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"Layer is not a Dropout layer of {display}.\");");
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
        w.Line();
    }

    private static float Rate(LayerPlan layer) => ((DropoutOptions)layer.Spec.Options).Rate;
}
