using System.Linq;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

internal static partial class NetworkEmitter
{
    private static void EmitTraining(SourceWriter w, NetworkPlan plan)
    {
        LayerPlan last = plan.Last;
        string lossMethod = plan.Spec.Loss switch
        {
            LossKind.MeanSquaredError => "MeanSquaredError",
            LossKind.MeanAbsoluteError => "MeanAbsoluteError",
            LossKind.BinaryCrossEntropy => "BinaryCrossEntropyWithLogits",
            _ => "SoftmaxCrossEntropyWithLogits",
        };
        ParameterSlot[] penalised = plan.Slots.Where(s => s.L2 > 0).ToArray();

        foreach (bool labels in new[] { false, true })
        {
            string targetType = labels ? "global::System.ReadOnlySpan<int>" : ReadOnlySpan;
            string targetName = labels ? "labels" : "targets";
            string targetDoc = labels
                ? "Class index per sample: the target is one-hot (for a single output, the index itself, 0 or 1)."
                : "Targets, row-major, OutputSize values per sample (one-hot for classification).";

            foreach (bool gradients in new[] { true, false })
            {
                w.Line("/// <summary>");
                bool modes = plan.HasTrainingMode;
                w.Line(gradients
                    ? $"/// Computes the mean {plan.Spec.Loss} loss of a batch{(modes ? " in training mode (dropout on, batch statistics)" : "")} and writes its"
                    : $"/// Computes the mean {plan.Spec.Loss} loss of a batch{(modes ? " in inference mode (no dropout, running statistics), as Predict runs" : "")}.");
                if (gradients)
                {
                    w.Line("/// gradient with respect to every parameter into <paramref name=\"gradients\"/>, in the layout of <see cref=\"Parameters\"/>");
                    w.Line("/// (padding gradients are zero).");
                }
                if (penalised.Length > 0)
                {
                    w.Line("/// The loss includes the layers' L2 penalties.");
                }
                w.Line("/// Uses a training workspace sized for the largest batch seen (allocated once); not thread-safe.");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"inputs\">Samples, row-major, InputSize values each.</param>");
                w.Line($"/// <param name=\"{targetName}\">{targetDoc}</param>");
                if (gradients)
                {
                    w.Line("/// <param name=\"gradients\">Receives the mean gradient; length ParameterBlockLength.</param>");
                }
                w.Line("/// <returns>The loss averaged over the batch.</returns>");
                w.Line(GeneratedCode);
                w.Line(AggressiveOptimization);
                w.OpenBrace(gradients
                    ? $"public float ComputeGradients({ReadOnlySpan} inputs, {targetType} {targetName}, {Span} gradients)"
                    : $"public float ComputeLoss({ReadOnlySpan} inputs, {targetType} {targetName})");
                w.Line($"int count = {Arguments}.GetBatchCount(inputs.Length, InputSize, \"{Display(plan)}\", nameof(inputs));");
                w.Line(labels
                    ? $"{Arguments}.ThrowIfLengthIsNot({targetName}.Length, count, \"{Display(plan)}\", \"labels (one per sample)\", nameof({targetName}));"
                    : $"{Arguments}.ThrowIfLengthIsNot({targetName}.Length, count * OutputSize, \"{Display(plan)}\", \"target values (samples x OutputSize)\", nameof({targetName}));");
                if (gradients)
                {
                    w.Line($"{Arguments}.ThrowIfLengthIsNot(gradients.Length, ParameterBlockLength, \"{Display(plan)}\", \"gradient values (ParameterBlockLength)\", nameof(gradients));");
                }
                w.Line("TrainingWorkspace workspace = GetWorkspace(count);");
                w.Line("workspace.Count = count;");
                w.Line($"Forward(inputs, count, workspace, training: {(gradients ? "true" : "false")});");
                string delta = gradients ? Rows($"workspace.Delta{last.Index}", last.PaddedOutputSize) : $"{Span}.Empty";
                w.Line($"float loss = {LossKernels}.{lossMethod}(new {ReadOnlySpan}(workspace.Output{last.Index}, 0, count * {last.PaddedOutputSize}), {targetName}, count, {last.PaddedOutputSize}, OutputSize, {delta});");
                foreach (ParameterSlot slot in penalised)
                {
                    w.Line($"loss += {Float(slot.L2)} * {Tensor}.SumOfSquares<float>({ParameterSlice(slot.Offset, slot.Length)}); // layer {slot.Layer} L2");
                }
                if (gradients)
                {
                    w.Line("Backward(inputs, count, workspace, gradients);");
                }
                w.Line("return loss;");
                w.CloseBrace();
                w.Line();
            }
        }

        EmitCopyLastBatchOutputs(w, plan);
        foreach (LayerEmitter emitter in LayerEmitters.All)
        {
            LayerPlan[] layers = plan.Layers.Where(l => l.Emitter == emitter).ToArray();
            if (layers.Length > 0)
            {
                emitter.EmitMembers(w, plan, layers);
            }
        }

        EmitForward(w, plan);
        EmitBackward(w, plan);
    }

    private static void EmitCopyLastBatchOutputs(SourceWriter w, NetworkPlan plan)
    {
        LayerPlan last = plan.Last;
        w.Line("/// <summary>");
        w.Line("/// Copies the outputs of the last ComputeGradients or ComputeLoss batch (samples x OutputSize), as PredictBatch would");
        w.Line("/// return them, and returns the sample count (0 before any training call). Does not allocate.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.OpenBrace($"public int CopyLastBatchOutputs({Span} outputs)");
        w.Line("TrainingWorkspace? workspace = _workspace;");
        w.OpenBrace("if (workspace is null)");
        w.Line("return 0;");
        w.CloseBrace();
        w.Line("int count = workspace.Count;");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(outputs.Length, count * OutputSize, \"{Display(plan)}\", \"output values (last batch samples x OutputSize)\", nameof(outputs));");
        w.OpenBrace("for (int r = 0; r < count; r++)");
        w.Line($"new {ReadOnlySpan}(workspace.Output{last.Index}, r * {last.PaddedOutputSize}, OutputSize).CopyTo(outputs.Slice(r * OutputSize, OutputSize));");
        w.CloseBrace();
        if (last.LossIsFused && last.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line("// The training pass kept logits (the loss fuses Softmax); apply it as Predict does.");
            w.Line($"{VectorMath}.SoftmaxRows(outputs, count, OutputSize, OutputSize);");
        }
        else if (last.LossIsFused)
        {
            w.Line("// The training pass kept logits (the loss fuses Sigmoid); apply it as Predict does.");
            w.OpenBrace("for (int i = 0; i < outputs.Length; i++)");
            w.Line($"outputs[i] = {VectorMath}.Sigmoid(outputs[i]);");
            w.CloseBrace();
        }
        w.Line("return count;");
        w.CloseBrace();
        w.Line();
    }

    private static void EmitForward(SourceWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>");
        w.Line("/// Batched forward pass into the workspace, keeping what backward needs. Training mode draws dropout masks and");
        w.Line("/// uses (and updates) batch statistics; inference mode is what Predict computes.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"private void Forward({ReadOnlySpan} inputs, int count, TrainingWorkspace workspace, bool training)");
        w.Line("ref float parameters = ref _parameters.Reference;");
        if (plan.NeedsPaddedInput && plan.Spec.Input.IsSpatial)
        {
            w.Line("// Copy the samples channels-last, channels padded to 16 (the layers' storage).");
            w.Line(ToChannelsLast(plan, "inputs", "count", "workspace.Input"));
        }
        else if (plan.NeedsPaddedInput)
        {
            w.Line("// Copy the samples into padded rows (the padding lanes were zeroed at allocation and stay zero).");
            w.OpenBrace("for (int r = 0; r < count; r++)");
            w.Line($"inputs.Slice(r * InputSize, InputSize).CopyTo(new {Span}(workspace.Input, r * {plan.PaddedInputSize}, InputSize));");
            w.CloseBrace();
        }
        else
        {
            w.Line("_ = training;");
        }
        var context = new TrainingContext(w, plan);
        foreach (LayerPlan layer in plan.Layers)
        {
            w.Line($"// {layer.Emitter.Comment(layer)}{(layer.LossIsFused ? "; the fused loss reads its logits" : "")}");
            layer.Emitter.EmitTrainingForward(context, layer);
        }
        w.CloseBrace();
        w.Line();
    }

    private static void EmitBackward(SourceWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Backward pass: from dL/d(output) of the last layer in its Delta buffer, writes every parameter's gradient.</summary>");
        w.Line(GeneratedCode);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"private void Backward({ReadOnlySpan} inputs, int count, TrainingWorkspace workspace, {Span} gradients)");
        w.Line("ref float parameters = ref _parameters.Reference;");
        w.Line($"ref float gradient = ref {MemoryMarshal}.GetReference(gradients);");
        w.Line("_ = inputs;");
        var context = new TrainingContext(w, plan);
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            w.Line();
            w.Line($"// {layer.Emitter.Comment(layer)}");
            layer.Emitter.EmitBackward(context, layer);
            if (i > 0)
            {
                // A layer that also reads layer i - 1's output adds its share of dL/d(that output).
                foreach (LayerPlan reader in plan.Layers.Where(r => r.Emitter.ExtraSource(r.Spec) == i - 1))
                {
                    reader.Emitter.EmitGradientJoin(context, reader, i - 1, layer.PaddedInputSize);
                }
            }
        }
        w.Line("_ = parameters;");
        w.CloseBrace();
        w.Line();
    }
}
