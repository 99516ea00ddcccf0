using System.Collections.Generic;
using System.Globalization;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>
/// A fully connected layer: weights stored input-major, W^T[in][out padded to 16], so that each input value is
/// broadcast and multiplied into whole vectors of outputs; every pass is a <see cref="GemmShape"/>.
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    public override SlotRequest Place(LayerSpec layer, LayerTensor tensor)
    {
        int padded = NetworkPlan.Pad(layer.OutputSize);
        return tensor.Suffix == "weight"
            ? new SlotRequest(SlotLayout.TransposedMatrix, $"W{layer.Index}^T[{layer.InputSize}x{padded}]", ((DenseOptions)layer.Options).L2)
            : new SlotRequest(SlotLayout.Vector, $"b{layer.Index}[{padded}]");
    }

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        if (layer.Index > 0)
        {
            yield return WorkspaceBuffer.Fixed($"Weights{layer.Index}",
                $"Layer {layer.Index} weights out-major, W{layer.Index}[{layer.OutputSize}][{layer.PaddedInputSize}], for dL/da{layer.Index - 1}.",
                layer.OutputSize * layer.PaddedInputSize);
        }
    }

    public override bool CanReadUserRows(LayerSpec layer, Storage userRows) => true;

    public override bool CanFuseLoss => true;

    public override bool KeepsPreActivation(LayerSpec layer, bool lossIsFused) => !lossIsFused && NetworkPlan.NeedsPreActivation(layer.Activation);

    public override string Comment(LayerPlan layer)
    {
        LayerSpec s = layer.Spec;
        var options = (DenseOptions)s.Options;
        return $"Layer {s.Index}: Dense {s.InputSize} -> {s.OutputSize}, {(layer.HasBias ? "bias" : "no bias")}, activation {s.Activation}{ActivationCode.AlphaText(s)}"
            + (options.L2 > 0 ? $", L2 {Float(options.L2)}" : "")
            + $" (weights {layer.Slot("weight")!.KernelName} at {layer.WeightOffset}"
            + (layer.HasBias ? $", bias {layer.Slot("bias")!.KernelName} at {layer.BiasOffset})" : ")");
    }

    public override (string Shape, string Detail) Summary(LayerPlan layer) =>
        ($"{layer.InputSize} -> {layer.OutputSize}{(layer.HasBias ? "" : " (no bias)")}", layer.Spec.Activation.ToString());

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer)
    {
        if (((DenseOptions)layer.Spec.Options).L2 is > 0f and float l2)
        {
            yield return $"L2 = {Float(l2)}";
        }
    }

    public override string ShortName(LayerPlan layer) => $"Dense {layer.InputSize} -> {layer.OutputSize}";

    public override void EmitInitialization(SourceWriter w, LayerPlan layer, NetworkPlan plan)
    {
        bool he = ActivationCode.UsesHeInitialization(layer.Spec.Activation);
        string limit = he ? $"{Layout}.HeLimit({layer.InputSize})" : $"{Layout}.GlorotLimit({layer.InputSize}, {layer.OutputSize})";
        w.Line($"// Layer {layer.Index}: {(he ? "He" : "Glorot")} uniform.");
        w.Line($"{Layout}.InitializeUniform(parameters.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, {limit}, ref random);");
    }

    public override void EmitPredict(PredictContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        string input = context.Input!, output = context.Output, scratch = context.Scratch;
        string call = $"Kernels.Layer{layer.Index}ForwardRow({ForwardArgs(layer, Ref(input), Ref(output))});";
        bool softmax = layer.Spec.Activation == ActivationKind.Softmax;
        // Up to 16 classes: one register on the AVX-512 path, inlined (no loop, no call).
        string softmaxCall = layer.PaddedOutputSize == NetworkPlan.Padding
            ? $"{VectorMath}.SoftmaxPadded16(ref {MemoryMarshal}.GetReference({output}), {layer.OutputSize});"
            : $"{VectorMath}.SoftmaxPadded({output}, {layer.OutputSize});";
        GemmShape shape = Forward(layer);
        bool inPlace = GemmEmitter.IsTinyRow(shape);
        string? bias = layer.HasBias ? ParameterAt(layer.BiasOffset) : null;
        if (inPlace && layer.IsLast)
        {
            // The last layer's register goes straight to the caller's output, softmax included, on the AVX-512
            // path; the other paths compute the row in scratch and copy it out.
            GemmEmitter.EmitRowInPlace(w, shape, First(input), ParameterAt(layer.WeightOffset), bias, c: null,
                store: value => $"{VectorMath}.StoreFirst({(softmax ? $"{VectorMath}.SoftmaxFirst({value}, {layer.OutputSize})" : value)}, OutputSize, output);",
                otherwise: () =>
                {
                    w.Line(scratch);
                    w.Line(call);
                    if (softmax)
                    {
                        w.Line(softmaxCall);
                    }
                    w.Line($"{output}.Slice(0, OutputSize).CopyTo(output);");
                });
            context.WroteNetworkOutput = true;
        }
        else
        {
            w.Line(scratch);
            if (inPlace)
            {
                GemmEmitter.EmitRowInPlace(w, shape, First(input), ParameterAt(layer.WeightOffset), bias, First(output), store: null, otherwise: () => w.Line(call));
            }
            else
            {
                w.Line(call);
            }
            if (softmax)
            {
                w.Line(softmaxCall);
            }
        }
        context.Produce(output);
    }

    public override void EmitPredictBatch(BatchContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        string output = context.Output;
        string inputRef = context.Input is null ? $"ref {Unsafe}.Add({Ref("inputs")}, start * InputSize)" : Ref(context.Input);
        w.Line($"Kernels.Layer{layer.Index}Forward({ForwardArgs(layer, inputRef, Ref(output))}, rows);");
        if (layer.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line($"{VectorMath}.SoftmaxPaddedRows({output}, rows, {layer.PaddedOutputSize}, {layer.OutputSize});");
        }
        context.Produce(output);
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        int l = layer.Index;
        GemmShape shape = TrainingForward(layer);
        string? z = shape.StorePreActivation ? ArrayRef($"workspace.PreActivation{l}") : null;
        w.Line($"Kernels.{shape.Name}({ForwardArgs(layer, context.InputRef(l), ArrayRef($"workspace.Output{l}"), z)}, count);");
        if (layer.IsLast && !layer.LossIsFused && layer.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line($"{VectorMath}.SoftmaxPaddedRows({context.Output(l, layer.PaddedOutputSize)}, count, {layer.PaddedOutputSize}, OutputSize);");
        }
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        int i = layer.Index, p = layer.PaddedOutputSize;
        if (layer.LossIsFused)
        {
            w.Line($"// dL/dz{i} = p - t (fused {layer.Spec.Activation} + {context.Loss}), already in Delta{i}.");
        }
        else
        {
            ActivationCode.EmitBackward(w, layer, $"workspace.Delta{i}", $"workspace.PreActivation{i}", $"workspace.Output{i}", layer.KeepsPreActivation);
        }
        string inputName = i == 0 ? "inputs" : "a" + (i - 1).ToString(CultureInfo.InvariantCulture);
        w.Line($"// dL/dW{i}^T = {inputName}^T * delta{i}");
        w.Line($"Kernels.Layer{i}WeightGradient({context.InputRef(i)}, {ArrayRef($"workspace.Delta{i}")}, ref {Unsafe}.Add(ref gradient, {layer.WeightOffset}), count);");
        ParameterSlot weight = layer.Slot("weight")!;
        if (weight.L2 > 0)
        {
            w.Line($"// + d(L2 * sum(W{i}^2))/dW{i} = 2 * L2 * W{i}");
            w.Line($"{Tensor}.MultiplyAdd<float>({ParameterSlice(layer.WeightOffset, layer.WeightLength)}, {Float(2 * weight.L2)}, gradients.Slice({layer.WeightOffset}, {layer.WeightLength}), gradients.Slice({layer.WeightOffset}, {layer.WeightLength}));");
        }
        if (layer.HasBias)
        {
            w.Line($"// dL/db{i} = sum over samples of delta{i}");
            w.Line($"{Layout}.SumRows(workspace.Delta{i}, count, {p}, gradients.Slice({layer.BiasOffset}, {p}));");
        }
        if (i > 0)
        {
            w.Line($"// dL/da{i - 1} = delta{i} * W{i}, with W{i} copied out-major");
            w.Line($"{Layout}.Transpose(_parameters.Span.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedInputSize}, {p}, workspace.Weights{i});");
            w.Line($"Kernels.Layer{i}InputGradient({ArrayRef($"workspace.Delta{i}")}, {ArrayRef($"workspace.Weights{i}")}, {ArrayRef($"workspace.Delta{i - 1}")}, count);");
        }
    }

    public override IEnumerable<IKernel> Kernels(LayerPlan layer)
    {
        GemmShape forward = Forward(layer);
        yield return forward;
        GemmShape training = TrainingForward(layer);
        if (training.Name != forward.Name)
        {
            yield return training;
        }
        yield return WeightGradient(layer);
        if (layer.Index > 0)
        {
            yield return InputGradient(layer);
        }
    }

    /// <summary>Arguments of a forward kernel call: input, weights, [bias], output, [z].</summary>
    private static string ForwardArgs(LayerPlan layer, string input, string output, string? z = null)
    {
        string args = $"{input}, {Param(layer.WeightOffset)}";
        if (layer.HasBias)
        {
            args += $", {Param(layer.BiasOffset)}";
        }
        args += $", {output}";
        if (z is not null)
        {
            args += $", {z}";
        }
        return args;
    }

    /// <summary>Inference forward: out = act(in * W^T + b); Softmax is applied by the caller, over the real outputs only.</summary>
    public static GemmShape Forward(LayerPlan layer) => new(
        $"Layer{layer.Index}Forward",
        $"Layer {layer.Index} forward: c[m][0..{layer.PaddedOutputSize}) = {ActivationText(layer.Spec.Activation)}(a[m] * W{layer.Index}^T{(layer.HasBias ? $" + b{layer.Index}" : "")}), a[m] has {layer.InputSize} values.",
        layer.PaddedOutputSize, layer.PaddedOutputSize, layer.PaddedOutputSize, layer.InputStride, 1,
        Rows: null, Reduction: layer.InputSize, layer.HasBias, StorePreActivation: false, layer.Spec.Activation, layer.Spec.Alpha);

    /// <summary>Training forward that also keeps the pre-activation z, for activations whose derivative needs it.</summary>
    private static GemmShape ForwardKeepingPreActivation(LayerPlan layer) => Forward(layer) with
    {
        Name = $"Layer{layer.Index}ForwardTraining",
        Summary = $"Layer {layer.Index} training forward: z[m] = a[m] * W{layer.Index}^T{(layer.HasBias ? $" + b{layer.Index}" : "")}, c[m] = {ActivationText(layer.Spec.Activation)}(z[m]).",
        StorePreActivation = true,
    };

    /// <summary>Training forward of a last layer whose loss is fused with its activation: writes the logits.</summary>
    private static GemmShape ForwardLogits(LayerPlan layer) => Forward(layer) with
    {
        Name = $"Layer{layer.Index}ForwardLogits",
        Summary = $"Layer {layer.Index} logits (the loss applies {layer.Spec.Activation} itself): c[m] = a[m] * W{layer.Index}^T{(layer.HasBias ? $" + b{layer.Index}" : "")}.",
        Activation = ActivationKind.Identity,
    };

    /// <summary>dL/dW^T[i][o] = sum_m a[m][i] * delta[m][o]: rows are the layer's inputs, the batch is the reduction.</summary>
    private static GemmShape WeightGradient(LayerPlan layer) => new(
        $"Layer{layer.Index}WeightGradient",
        $"Layer {layer.Index} weight gradient: c[i][0..{layer.PaddedOutputSize}) = sum over samples m of a[m][i] * delta{layer.Index}[m], for the {layer.InputSize} inputs i.",
        layer.PaddedOutputSize, layer.PaddedOutputSize, layer.PaddedOutputSize, 1, layer.InputStride,
        Rows: layer.InputSize, Reduction: null, HasBias: false, StorePreActivation: false, ActivationKind.Identity, 0f);

    /// <summary>dL/da[m][0..in) = sum_o delta[m][o] * W[o][0..in), with W the out-major copy of the weights.</summary>
    private static GemmShape InputGradient(LayerPlan layer) => new(
        $"Layer{layer.Index}InputGradient",
        $"Layer {layer.Index} input gradient: c[m][0..{layer.PaddedInputSize}) = delta{layer.Index}[m] * W{layer.Index}, over its {layer.OutputSize} outputs.",
        layer.PaddedInputSize, layer.PaddedInputSize, layer.PaddedInputSize, layer.PaddedOutputSize, 1,
        Rows: null, Reduction: layer.OutputSize, HasBias: false, StorePreActivation: false, ActivationKind.Identity, 0f);

    /// <summary>The kernel the training forward pass calls for this layer.</summary>
    private static GemmShape TrainingForward(LayerPlan layer) =>
        layer.LossIsFused && layer.Spec.Activation != ActivationKind.Softmax ? ForwardLogits(layer)
        : layer.KeepsPreActivation ? ForwardKeepingPreActivation(layer)
        : Forward(layer);

    private static string ActivationText(ActivationKind activation) =>
        activation is ActivationKind.Softmax or ActivationKind.Identity ? "" : activation.ToString();
}
