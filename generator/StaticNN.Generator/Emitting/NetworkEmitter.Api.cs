using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

internal static partial class NetworkEmitter
{
    private static string EmitApi(NetworkPlan plan, CompilationFeatures features)
    {
        var w = new SourceWriter();
        NetworkSpec spec = plan.Spec;
        string name = Name(plan);
        Header(w, spec.Type.MetadataName, "API");
        int depth = OpenType(w, plan.Spec.Type);

        EmitArchitectureRemarks(w, plan);
        w.OpenBrace($"partial {spec.Type.Type.Keyword} {name} : global::StaticNN.ITrainableNetwork<{Self(plan)}>");

        EmitConstants(w, plan);
        EmitConstruction(w, plan);
        EmitPredict(w, plan, features);
        EmitTraining(w, plan);
        EmitLayerAccess(w, plan);
        EmitTensorAccess(w, plan);
        EmitVectors(w);
        EmitWorkspace(w, plan);

        w.CloseBrace();
        CloseType(w, depth);
        return w.ToString();
    }

    private static void EmitArchitectureRemarks(SourceWriter w, NetworkPlan plan)
    {
        w.Line("/// <remarks>");
        w.Line("/// <para>Compiled by StaticNN from the attributes on this class:</para>");
        w.Line("/// <code>");
        w.Line("/// layer  kind       shape            detail      parameters");
        w.Line($"/// input         {ActivationEmitter.ShapeText(plan.Spec.Input)}");
        foreach (LayerPlan layer in plan.Layers)
        {
            (string shape, string detail) = layer.Emitter.Summary(layer);
            w.Line($"/// {layer.Index,-6} {layer.Kind,-10} {shape,-16} {detail,-11} {layer.ParameterCount}");
        }
        string fused = plan.Last.LossIsFused ? $" (fused with {plan.Last.Spec.Activation}: gradient p - t)" : "";
        w.Line($"/// loss: {plan.Spec.Loss}{fused}; {plan.ParameterCount} parameters in a block of {plan.ParameterBlockLength} floats");
        w.Line("/// </code>");
        w.Line("/// </remarks>");
    }

    private static void EmitConstants(SourceWriter w, NetworkPlan plan)
    {
        void Const(string doc, string name, long value)
        {
            w.Line($"/// <summary>{doc}</summary>");
            w.Line(GeneratedCode);
            w.Line($"public const int {name} = {Int(value)};");
            w.Line();
        }

        Const("Number of input features.", "InputSize", plan.Spec.InputSize);
        Const("Number of outputs.", "OutputSize", plan.Last.OutputSize);
        Const("Number of logical parameters: weights and biases, without padding.", "ParameterCount", plan.ParameterCount);
        Const("Length of <see cref=\"Parameters\"/>: the internal block, with weights input-major and padded to 16 floats.", "ParameterBlockLength", plan.ParameterBlockLength);
        Const("Number of layers.", "LayerCount", plan.Layers.Count);

        w.Line($"/// <summary>The shape of one input sample, {AxisNames(plan.Spec.Input)}: {plan.Spec.Input} ({plan.Spec.InputSize} values, row-major).</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static global::StaticNN.TensorShape InputShape => {ShapeExpression(plan.Spec.Input)};");
        w.Line();
        w.Line($"/// <summary>The shape of one output: {plan.Last.Spec.Output}.</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static global::StaticNN.TensorShape OutputShape => {ShapeExpression(plan.Last.Spec.Output)};");
        w.Line();

        string self = $"global::StaticNN.ITrainableNetwork<{Self(plan)}>";
        w.Line(GeneratedCode);
        w.Line($"static int {self}.InputSize => InputSize;");
        w.Line(GeneratedCode);
        w.Line($"static int {self}.OutputSize => OutputSize;");
        w.Line(GeneratedCode);
        w.Line($"static int {self}.ParameterCount => ParameterCount;");
        w.Line(GeneratedCode);
        w.Line($"static int {self}.ParameterBlockLength => ParameterBlockLength;");
        w.Line(GeneratedCode);
        w.Line($"static int {self}.LayerCount => LayerCount;");
        w.Line(GeneratedCode);
        w.Line($"static global::StaticNN.Loss {self}.Loss => global::StaticNN.Loss.{plan.Spec.Loss};");
        w.Line(GeneratedCode);
        w.Line($"static global::StaticNN.TensorShape {self}.InputShape => InputShape;");
        w.Line(GeneratedCode);
        w.Line($"static global::StaticNN.TensorShape {self}.OutputShape => OutputShape;");
        w.Line(GeneratedCode);
        w.Line($"static global::System.Collections.Generic.IReadOnlyList<global::StaticNN.TensorInfo> {self}.Tensors => Tensors;");
        w.Line();

        w.Line("/// <summary>Shape and settings of layer <paramref name=\"layer\"/>, in the logical (PyTorch) layout.</summary>");
        w.Line(GeneratedCode);
        w.OpenBrace("public static global::StaticNN.LayerInfo GetLayerInfo(int layer) => layer switch");
        foreach (LayerPlan layer in plan.Layers)
        {
            LayerSpec s = layer.Spec;
            var settings = new List<string>
            {
                $"InputShape = {ShapeExpression(s.Input)}",
                $"OutputShape = {ShapeExpression(s.Output)}",
            };
            if (layer.Slot("weight") is { } weight)
            {
                settings.Add($"WeightCount = {weight.Count}");
            }
            if (layer.Slot("bias") is { } bias)
            {
                settings.Add($"BiasCount = {bias.Count}");
            }
            settings.AddRange(layer.Emitter.LayerInfoSettings(layer));
            w.Line($"{s.Index} => new global::StaticNN.LayerInfo(global::StaticNN.LayerKind.{s.Kind}, {s.InputSize}, {s.OutputSize}, {(layer.HasBias ? "true" : "false")}, global::StaticNN.Activation.{s.Activation}, {Float(s.Alpha)}) {{ {string.Join(", ", settings)} }},");
        }
        w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"{Display(plan)} has layers 0 to {plan.Layers.Count - 1}.\"),");
        w.CloseBrace(";");
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// Every tensor of every layer, in layer order, with PyTorch's names (<c>layers.{i}.weight</c>...) and shapes; the index");
        w.Line("/// of a tensor here is its index for <see cref=\"GetTensor\"/> and <see cref=\"SetTensor\"/>.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::StaticNN.TensorInfo> Tensors => s_tensors;");
        w.Line();
        w.Line(GeneratedCode);
        w.OpenBrace("private static readonly global::StaticNN.TensorInfo[] s_tensors =");
        foreach (ParameterSlot slot in plan.Slots)
        {
            w.Line($"new global::StaticNN.TensorInfo({slot.Layer}, \"{slot.Suffix}\", {(slot.IsState ? "true" : "false")}, {string.Join(", ", slot.Shape)}),");
        }
        w.CloseBrace(";");
        w.Line();
    }

    private static void EmitConstruction(SourceWriter w, NetworkPlan plan)
    {
        string name = Name(plan);
        w.Line(GeneratedCode);
        w.Line($"private readonly {Runtime}.ParameterBlock _parameters = new {Runtime}.ParameterBlock(ParameterBlockLength);");
        w.Line();
        if (plan.StateBlockLength > 0)
        {
            w.Line("/// <summary>BatchNorm running statistics (not trained by the optimizer): per layer the mean, then the variance.</summary>");
            w.Line(GeneratedCode);
            w.Line($"private readonly {Runtime}.ParameterBlock _state = new {Runtime}.ParameterBlock({plan.StateBlockLength});");
            w.Line();
        }
        if (plan.UsesTrainingRandom)
        {
            w.Line(GeneratedCode);
            w.Line($"private {Runtime}.SeededRandom _trainingRandom;");
            w.Line();
        }
        w.Line("/// <summary>Creates the network with the weights of seed 0 (see <see cref=\"" + name + "(int)\"/>).</summary>");
        w.Line(GeneratedCode);
        w.Line($"public {name}() : this(0)");
        w.OpenBrace();
        w.CloseBrace();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Creates the network with weights drawn uniformly for <paramref name=\"seed\"/>: He uniform, sqrt(6 / inputs), for the");
        w.Line("/// ReLU family (ReLU, LeakyReLU, ELU, GELU, SiLU, Softplus); Glorot uniform, sqrt(6 / (inputs + outputs)), otherwise.");
        w.Line("/// Biases start at zero. The same seed gives the same weights on every machine.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.OpenBrace($"public {name}(int seed)");
        w.Line($"var random = new {Runtime}.SeededRandom(seed);");
        w.Line($"{Span} parameters = _parameters.Span;");
        foreach (LayerPlan layer in plan.Layers)
        {
            layer.Emitter.EmitInitialization(w, layer, plan);
        }
        if (plan.UsesTrainingRandom)
        {
            w.Line("// Dropout masks: a stream of their own, fixed by the seed.");
            w.Line($"_trainingRandom = new {Runtime}.SeededRandom(unchecked(seed * -1640531535 + 0x5EED));");
        }
        w.CloseBrace();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The whole internal parameter block, 64-byte aligned: per layer the weights input-major, W^T[in][out padded to 16],");
        w.Line("/// then the bias (padded). Optimizers update it in place; gradients use the same layout. Padding must stay zero.");
        w.Line("/// Use <see cref=\"GetLayerParameters\"/> and <see cref=\"SetLayerParameters\"/> for the logical (PyTorch) layout.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.Line($"public {Span} Parameters => _parameters.Span;");
        w.Line();
    }

    private static void EmitLayerAccess(SourceWriter w, NetworkPlan plan)
    {
        foreach (bool set in new[] { false, true })
        {
            string span = set ? ReadOnlySpan : Span;
            w.Line("/// <summary>");
            w.Line(set
                ? "/// Sets layer <paramref name=\"layer\"/>'s parameters from PyTorch's layout: Dense <c>weight[out, in]</c> row-major and <c>bias[out]</c>;"
                : "/// Copies layer <paramref name=\"layer\"/>'s parameters out in PyTorch's layout: Dense <c>weight[out, in]</c> row-major and <c>bias[out]</c>;");
            w.Line("/// normalization layers their scale (weight) and shift (bias); empty spans for layers without them.");
            w.Line("/// </summary>");
            w.Line(GeneratedCode);
            w.OpenBrace($"public void {(set ? "Set" : "Get")}LayerParameters(int layer, {span} weight, {span} bias)");
            w.Line($"{Span} parameters = _parameters.Span;");
            w.OpenBrace("switch (layer)");
            foreach (LayerPlan layer in plan.Layers)
            {
                ParameterSlot? weight = layer.Slot("weight"), bias = layer.Slot("bias");
                w.OpenBrace($"case {layer.Index}:");
                string what = weight is { Shape.Count: >= 2 } ? $"layer {layer.Index} weights ({string.Join(" x ", weight.Shape)})" : $"layer {layer.Index} weights";
                w.Line($"{Arguments}.ThrowIfLengthIsNot(weight.Length, {weight?.Count ?? 0}, \"{Display(plan)}\", \"{what}\", nameof(weight));");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(bias.Length, {bias?.Count ?? 0}, \"{Display(plan)}\", \"layer {layer.Index} bias values\", nameof(bias));");
                if (weight is not null)
                {
                    EmitSlotCopy(w, weight, "weight", "parameters", set);
                }
                if (bias is not null)
                {
                    EmitSlotCopy(w, bias, "bias", "parameters", set);
                }
                w.Line("return;");
                w.CloseBrace();
            }
            w.OpenBrace("default:");
            w.Line($"{Arguments}.ThrowIfLayerOutOfRange(layer, LayerCount, \"{Display(plan)}\");");
            w.Line("return;");
            w.CloseBrace();
            w.CloseBrace();
            w.CloseBrace();
            w.Line();
        }

        foreach (bool set in new[] { false, true })
        {
            string span = set ? ReadOnlySpan : Span;
            w.Line(set
                ? "/// <summary>Sets a BatchNorm layer's running mean and variance (the statistics inference uses).</summary>"
                : "/// <summary>Copies a BatchNorm layer's running mean and variance (the statistics inference uses) out.</summary>");
            w.Line(GeneratedCode);
            w.OpenBrace($"public void {(set ? "Set" : "Get")}LayerRunningStatistics(int layer, {span} mean, {span} variance)");
            w.OpenBrace("switch (layer)");
            foreach (LayerPlan layer in plan.Layers.Where(l => l.Slot("running_mean") is not null))
            {
                ParameterSlot mean = layer.Slot("running_mean")!, variance = layer.Slot("running_var")!;
                w.OpenBrace($"case {layer.Index}:");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(mean.Length, {mean.Count}, \"{Display(plan)}\", \"layer {layer.Index} running mean values\", nameof(mean));");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(variance.Length, {variance.Count}, \"{Display(plan)}\", \"layer {layer.Index} running variance values\", nameof(variance));");
                EmitSlotCopy(w, mean, "mean", null, set);
                EmitSlotCopy(w, variance, "variance", null, set);
                w.Line("return;");
                w.CloseBrace();
            }
            w.OpenBrace("default:");
            w.Line($"{Arguments}.ThrowIfLayerOutOfRange(layer, LayerCount, \"{Display(plan)}\");");
            w.Line($"throw new global::System.ArgumentException(\"Layer \" + layer + \" of {Display(plan)} is not a BatchNorm layer; only BatchNorm layers keep running statistics.\", nameof(layer));");
            w.CloseBrace();
            w.CloseBrace();
            w.CloseBrace();
            w.Line();
        }
    }

    private static void EmitTensorAccess(SourceWriter w, NetworkPlan plan)
    {
        foreach (bool set in new[] { false, true })
        {
            w.Line(set
                ? "/// <summary>Sets tensor <paramref name=\"tensor\"/> (an index into <see cref=\"Tensors\"/>) from its PyTorch layout, row-major.</summary>"
                : "/// <summary>Copies tensor <paramref name=\"tensor\"/> (an index into <see cref=\"Tensors\"/>) out in its PyTorch layout, row-major.</summary>");
            w.Line(GeneratedCode);
            w.OpenBrace($"public void {(set ? "Set" : "Get")}Tensor(int tensor, {(set ? ReadOnlySpan : Span)} values)");
            w.Line($"{Span} parameters = _parameters.Span;");
            w.OpenBrace("switch (tensor)");
            int index = 0;
            foreach (ParameterSlot slot in plan.Slots)
            {
                w.OpenBrace($"case {index++}:");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(values.Length, {slot.Count}, \"{Display(plan)}\", \"values of layers.{slot.Layer}.{slot.Suffix} [{string.Join(", ", slot.Shape)}]\", nameof(values));");
                EmitSlotCopy(w, slot, "values", slot.IsState ? null : "parameters", set);
                w.Line("return;");
                w.CloseBrace();
            }
            w.OpenBrace("default:");
            w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(tensor), tensor, \"{Display(plan)} has {(index == 0 ? "no tensors" : $"tensors 0 to {index - 1}")} (see Tensors).\");");
            w.CloseBrace();
            w.CloseBrace();
            w.CloseBrace();
            w.Line();
        }
    }

    /// <summary>Copies a tensor between its logical (PyTorch) span and its slot, in either direction.</summary>
    /// <param name="block">The parameter block's span variable, or null for the state block.</param>
    private static void EmitSlotCopy(SourceWriter w, ParameterSlot slot, string logical, string? block, bool set)
    {
        string Slice(int length) => block is null ? StateSlice(slot.Offset, length) : $"{block}.Slice({slot.Offset}, {length})";
        switch (slot.Layout)
        {
            case SlotLayout.TransposedMatrix:
                int outputs = slot.Shape[0], inputs = slot.Shape[1];
                w.Line(set
                    ? $"{Layout}.CopyWeightsFromLogical({logical}, {inputs}, {outputs}, {NetworkPlan.Pad(outputs)}, {Slice(slot.Length)});"
                    : $"{Layout}.CopyWeightsToLogical({Slice(slot.Length)}, {inputs}, {outputs}, {NetworkPlan.Pad(outputs)}, {logical});");
                break;
            case SlotLayout.ConvolutionKernel:
                (int filters, int channels, int kh, int kw, _) = ParameterSlot.KernelGeometry(slot.Shape);
                string convolution = $"{Runtime}.ConvolutionLayout";
                w.Line(set
                    ? $"{convolution}.CopyWeightsFromLogical({logical}, {filters}, {channels}, {kh}, {kw}, {NetworkPlan.Pad(filters)}, {Slice(slot.Length)});"
                    : $"{convolution}.CopyWeightsToLogical({Slice(slot.Length)}, {filters}, {channels}, {kh}, {kw}, {NetworkPlan.Pad(filters)}, {logical});");
                break;
            default:
                w.Line(set ? $"{logical}.CopyTo({Slice(slot.Count)});" : $"{Slice(slot.Count)}.CopyTo({logical});");
                break;
        }
    }

    /// <summary><c>new global::StaticNN.TensorShape(3, 1, 28, 28)</c>: rank, then the dimensions.</summary>
    private static string ShapeExpression(TensorShape shape) => shape.Rank switch
    {
        1 => $"new global::StaticNN.TensorShape(1, {shape.D0})",
        2 => $"new global::StaticNN.TensorShape(2, {shape.D0}, {shape.D1})",
        _ => $"new global::StaticNN.TensorShape(3, {shape.D0}, {shape.D1}, {shape.D2})",
    };

    private static string AxisNames(TensorShape shape) => shape.IsVector ? "features" : shape.AxisNames;

    private static void EmitVectors(SourceWriter w)
    {
        foreach ((string type, string size, string doc) in new[]
        {
            ("InputVector", "InputSize", "One input sample: exactly InputSize floats, so a size mismatch is a compile error."),
            ("OutputVector", "OutputSize", "One output: exactly OutputSize floats."),
        })
        {
            w.Line($"/// <summary>{doc}</summary>");
            w.Line(GeneratedCode);
            w.Line($"[global::System.Runtime.CompilerServices.InlineArray({size})]");
            w.OpenBrace($"public struct {type}");
            w.Line("private float _element0;");
            w.CloseBrace();
            w.Line();
        }
    }

    private static void EmitWorkspace(SourceWriter w, NetworkPlan plan)
    {
        w.Line(GeneratedCode);
        w.Line("private TrainingWorkspace? _workspace;");
        w.Line();
        w.Line(GeneratedCode);
        w.Line("private TrainingWorkspace GetWorkspace(int count) =>");
        w.Line("    _workspace is { } workspace && workspace.Capacity >= count ? workspace : (_workspace = new TrainingWorkspace(count));");
        w.Line();
        w.Line("/// <summary>Buffers of the training passes, sized for a batch of <see cref=\"Capacity\"/> samples (rows padded to 16).</summary>");
        w.Line(GeneratedCode);
        w.OpenBrace("private sealed class TrainingWorkspace");
        w.Line("public readonly int Capacity;");
        w.Line("/// <summary>Samples in the last batch run through the training passes.</summary>");
        w.Line("public int Count;");
        var allocations = new List<string>();
        void Field(WorkspaceBuffer buffer)
        {
            w.Line($"/// <summary>{buffer.Doc}</summary>");
            if (buffer.PerSample == 0)
            {
                w.Line($"public readonly float[] {buffer.Name} = new float[{buffer.FixedLength}];");
                return;
            }
            w.Line($"public readonly float[] {buffer.Name};");
            allocations.Add($"{buffer.Name} = new float[{(buffer.PerSample == 1 ? "capacity" : $"capacity * {buffer.PerSample}")}];");
        }
        if (plan.NeedsPaddedInput)
        {
            Field(WorkspaceBuffer.PerSampleRows("Input", $"The samples in padded rows, [samples][{plan.PaddedInputSize}].", plan.PaddedInputSize));
        }
        if (plan.Layers[0].Emitter.WritesFirstInputGradient)
        {
            Field(WorkspaceBuffer.PerSampleRows("InputDelta", "dL/d(input) of the first layer (computed, not used).", plan.PaddedInputSize));
        }
        foreach (LayerPlan layer in plan.Layers)
        {
            int i = layer.Index, p = layer.PaddedOutputSize;
            Field(WorkspaceBuffer.PerSampleRows($"Output{i}", $"Layer {i} outputs{(layer.LossIsFused ? " (logits: the fused loss applies the activation)" : "")}, [samples][{p}].", p));
            if (layer.KeepsPreActivation)
            {
                Field(WorkspaceBuffer.PerSampleRows($"PreActivation{i}", $"Layer {i} pre-activations z, [samples][{p}].", p));
            }
            Field(WorkspaceBuffer.PerSampleRows($"Delta{i}", $"dL/d(output) of layer {i} (dL/dz once its activation is applied), [samples][{p}].", p));
            foreach (WorkspaceBuffer buffer in layer.Buffers)
            {
                Field(buffer);
            }
        }
        w.Line();
        w.OpenBrace("public TrainingWorkspace(int capacity)");
        w.Line("Capacity = capacity;");
        foreach (string allocation in allocations)
        {
            w.Line(allocation);
        }
        w.CloseBrace();
        w.CloseBrace();
    }
}
