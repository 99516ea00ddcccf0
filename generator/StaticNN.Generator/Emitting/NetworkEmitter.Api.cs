using System;
using System.Globalization;
using System.Linq;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

internal static partial class NetworkEmitter
{
    private const string Arguments = Runtime + ".NetworkArguments";
    private const string Layout = Runtime + ".DenseLayout";
    private const string VectorMath = "global::StaticNN.Activations.VectorMath";
    private const string ActivationGradients = "global::StaticNN.Activations.ActivationGradients";
    private const string LossKernels = "global::StaticNN.Losses.LossKernels";

    private static string EmitApi(NetworkPlan plan, CompilationFeatures features)
    {
        var w = new SourceWriter();
        NetworkSpec spec = plan.Spec;
        string name = Name(plan);
        Header(w, spec.Type.MetadataName, "API");
        int depth = OpenType(w, plan, null);

        EmitArchitectureRemarks(w, plan);
        w.OpenBrace($"partial {spec.Type.Type.Keyword} {name} : global::StaticNN.ITrainableNetwork<{Self(plan)}>");

        EmitConstants(w, plan);
        EmitConstruction(w, plan);
        EmitPredict(w, plan, features);
        EmitTraining(w, plan);
        EmitLayerAccess(w, plan);
        EmitVectors(w, plan);
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
        w.Line("/// layer  kind   shape            activation  parameters");
        w.Line($"/// input         {plan.Spec.InputSize}");
        foreach (LayerPlan layer in plan.Layers)
        {
            string shape = $"{layer.InputSize} -> {layer.OutputSize}{(layer.Spec.HasBias ? "" : " (no bias)")}";
            w.Line($"/// {layer.Index,-6} Dense  {shape,-16} {layer.Spec.Activation,-11} {layer.ParameterCount}");
        }
        string fused = NetworkPlan.IsFused(plan.Spec.Loss, plan.Last.Spec.Activation) ? $" (fused with {plan.Last.Spec.Activation}: gradient p - t)" : "";
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
        w.Line();

        w.Line("/// <summary>Shape and settings of layer <paramref name=\"layer\"/>, in the logical (PyTorch) layout.</summary>");
        w.Line(GeneratedCode);
        w.OpenBrace("public static global::StaticNN.LayerInfo GetLayerInfo(int layer) => layer switch");
        foreach (LayerPlan layer in plan.Layers)
        {
            LayerSpec s = layer.Spec;
            w.Line($"{s.Index} => new global::StaticNN.LayerInfo(global::StaticNN.LayerKind.Dense, {s.InputSize}, {s.OutputSize}, {(s.HasBias ? "true" : "false")}, global::StaticNN.Activation.{s.Activation}, {VectorFlavor.FloatLiteral(s.Alpha)}),");
        }
        w.Line($"_ => throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"{Display(plan)} has layers 0 to {plan.Layers.Count - 1}.\"),");
        w.CloseBrace(";");
        w.Line();
    }

    private static void EmitConstruction(SourceWriter w, NetworkPlan plan)
    {
        string name = Name(plan);
        w.Line(GeneratedCode);
        w.Line($"private readonly {Runtime}.ParameterBlock _parameters = new {Runtime}.ParameterBlock(ParameterBlockLength);");
        w.Line();
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
            bool he = layer.Spec.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.ELU
                or ActivationKind.GELU or ActivationKind.SiLU or ActivationKind.Softplus;
            string limit = he ? $"{Layout}.HeLimit({layer.InputSize})" : $"{Layout}.GlorotLimit({layer.InputSize}, {layer.OutputSize})";
            w.Line($"// Layer {layer.Index}: {(he ? "He" : "Glorot")} uniform.");
            w.Line($"{Layout}.InitializeUniform(parameters.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, {limit}, ref random);");
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

    private static string Ref(string span) => $"ref {MemoryMarshal}.GetReference({span})";

    private static string Param(int offset) => $"ref {Unsafe}.Add(ref parameters, {offset})";

    /// <summary>Arguments of a layer's forward call: input, weights, [bias], output, [z].</summary>
    private static string ForwardArgs(LayerPlan layer, string input, string output, string? z = null)
    {
        string args = $"{input}, {Param(layer.WeightOffset)}";
        if (layer.Spec.HasBias)
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

    private static void EmitPredict(SourceWriter w, NetworkPlan plan, CompilationFeatures features)
    {
        string name = Name(plan);
        string skipLocalsInit = features.AllowUnsafe ? "[global::System.Runtime.CompilerServices.SkipLocalsInit]" : "";
        int buffers = Math.Min(2, plan.Layers.Count);

        // Predict: one sample, activations on the stack.
        w.Line("/// <summary>Runs the network on one sample. Thread-safe (scratch is on the stack); does not allocate.</summary>");
        w.Line($"/// <param name=\"input\">{plan.Spec.InputSize} input values.</param>");
        w.Line($"/// <param name=\"output\">Receives the {plan.Last.OutputSize} outputs.</param>");
        w.Line($"/// <exception cref=\"global::System.ArgumentException\">A span does not have the expected length.</exception>");
        w.Line(GeneratedCode);
        if (skipLocalsInit.Length > 0) w.Line(skipLocalsInit);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"public void Predict({ReadOnlySpan} input, {Span} output)");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(input.Length, InputSize, \"{Display(plan)}\", \"input values\", nameof(input));");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(output.Length, OutputSize, \"{Display(plan)}\", \"output values\", nameof(output));");
        for (int b = 0; b < buffers; b++)
        {
            w.Line($"{Span} buffer{b} = stackalloc float[{plan.MaxPaddedWidth}];");
        }
        w.Line("ref float parameters = ref _parameters.Reference;");
        string input = Ref("input");
        foreach (LayerPlan layer in plan.Layers)
        {
            string output = Ref($"buffer{layer.Index % 2}");
            w.Line($"// {LayerComment(layer)}");
            w.Line($"Kernels.Layer{layer.Index}ForwardRow({ForwardArgs(layer, input, output)});");
            input = output;
        }
        string last = $"buffer{plan.Last.Index % 2}";
        if (plan.Last.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line($"{VectorMath}.SoftmaxPadded({last}.Slice(0, {plan.Last.PaddedOutputSize}), OutputSize);");
        }
        w.Line($"{last}.Slice(0, OutputSize).CopyTo(output);");
        w.CloseBrace();
        w.Line();

        w.Line("/// <summary>Runs the network on one sample held in fixed-size vectors (sizes checked at compile time). Thread-safe; does not allocate.</summary>");
        w.Line(GeneratedCode);
        w.OpenBrace("public void Predict(in InputVector input, out OutputVector output)");
        w.Line("output = default;");
        w.Line($"Predict(({ReadOnlySpan})input, ({Span})output);");
        w.CloseBrace();
        w.Line();

        string threshold = plan.Last.Spec.Activation == ActivationKind.Sigmoid ? "0.5f" : "0f";
        w.Line("/// <summary>");
        w.Line(plan.Last.OutputSize > 1
            ? "/// Index of the largest output for one sample (the predicted class). Thread-safe; does not allocate."
            : $"/// 1 when the single output is above {threshold} (the predicted class of a binary classifier), else 0. Thread-safe; does not allocate.");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        if (skipLocalsInit.Length > 0) w.Line(skipLocalsInit);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"public int PredictClass({ReadOnlySpan} input)");
        w.Line($"{Span} output = stackalloc float[OutputSize];");
        w.Line("Predict(input, output);");
        w.Line(plan.Last.OutputSize > 1
            ? "return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(output);"
            : $"return output[0] > {threshold} ? 1 : 0;");
        w.CloseBrace();
        w.Line();

        // PredictBatch: chunks of rows through the block kernels.
        int chunk = Math.Max(1, Math.Min(64, 16384 / plan.MaxPaddedWidth));
        w.Line("/// <summary>");
        w.Line("/// Runs the network on a row-major batch (InputSize values per sample) and writes OutputSize values per sample.");
        w.Line($"/// Rows are processed {chunk} at a time through the batched kernels. Thread-safe; does not allocate.");
        w.Line("/// </summary>");
        w.Line($"/// <exception cref=\"global::System.ArgumentException\">The input length is not a positive multiple of InputSize, or the output length does not match.</exception>");
        w.Line(GeneratedCode);
        if (skipLocalsInit.Length > 0) w.Line(skipLocalsInit);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"public void PredictBatch({ReadOnlySpan} inputs, {Span} outputs)");
        w.Line($"int count = {Arguments}.GetBatchCount(inputs.Length, InputSize, \"{Display(plan)}\", nameof(inputs));");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(outputs.Length, count * OutputSize, \"{Display(plan)}\", \"output values (samples x OutputSize)\", nameof(outputs));");
        w.Line($"const int ChunkRows = {chunk};");
        for (int b = 0; b < buffers; b++)
        {
            w.Line($"{Span} buffer{b} = stackalloc float[ChunkRows * {plan.MaxPaddedWidth}];");
        }
        w.Line("ref float parameters = ref _parameters.Reference;");
        w.OpenBrace("for (int start = 0; start < count; start += ChunkRows)");
        w.Line("int rows = global::System.Math.Min(ChunkRows, count - start);");
        input = $"ref {Unsafe}.Add({Ref("inputs")}, start * InputSize)";
        foreach (LayerPlan layer in plan.Layers)
        {
            string output = Ref($"buffer{layer.Index % 2}");
            w.Line($"Kernels.Layer{layer.Index}Forward({ForwardArgs(layer, input, output)}, rows);");
            input = output;
        }
        if (plan.Last.Spec.Activation == ActivationKind.Softmax)
        {
            w.Line($"{VectorMath}.SoftmaxPaddedRows({last}, rows, {plan.Last.PaddedOutputSize}, OutputSize);");
        }
        w.OpenBrace("for (int r = 0; r < rows; r++)");
        w.Line($"{last}.Slice(r * {plan.Last.PaddedOutputSize}, OutputSize).CopyTo(outputs.Slice((start + r) * OutputSize, OutputSize));");
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
        w.Line();
    }

    private static void EmitTraining(SourceWriter w, NetworkPlan plan)
    {
        string name = Name(plan);
        LayerPlan last = plan.Last;
        string lossMethod = plan.Spec.Loss switch
        {
            LossKind.MeanSquaredError => "MeanSquaredError",
            LossKind.MeanAbsoluteError => "MeanAbsoluteError",
            LossKind.BinaryCrossEntropy => "BinaryCrossEntropyWithLogits",
            _ => "SoftmaxCrossEntropyWithLogits",
        };

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
                w.Line(gradients
                    ? $"/// Computes the mean {plan.Spec.Loss} loss of a batch and writes its gradient with respect to every parameter into"
                    : $"/// Computes the mean {plan.Spec.Loss} loss of a batch.");
                if (gradients)
                {
                    w.Line("/// <paramref name=\"gradients\"/>, in the layout of <see cref=\"Parameters\"/> (padding gradients are zero).");
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
                string signature = gradients
                    ? $"public float ComputeGradients({ReadOnlySpan} inputs, {targetType} {targetName}, {Span} gradients)"
                    : $"public float ComputeLoss({ReadOnlySpan} inputs, {targetType} {targetName})";
                w.Line(AggressiveOptimization);
                w.OpenBrace(signature);
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
                w.Line("ForwardTraining(inputs, count, workspace);");
                string delta = gradients ? $"new {Span}(workspace.Delta{last.Index}, 0, count * {last.PaddedOutputSize})" : $"{Span}.Empty";
                w.Line($"float loss = {LossKernels}.{lossMethod}(new {ReadOnlySpan}(workspace.Output{last.Index}, 0, count * {last.PaddedOutputSize}), {targetName}, count, {last.PaddedOutputSize}, OutputSize, {delta});");
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

        // Forward pass that keeps what backward needs.
        w.Line("/// <summary>Training forward pass: keeps every layer's output (and pre-activation where its derivative needs it).</summary>");
        w.Line(GeneratedCode);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"private void ForwardTraining({ReadOnlySpan} inputs, int count, TrainingWorkspace workspace)");
        w.Line("ref float parameters = ref _parameters.Reference;");
        string input = Ref("inputs");
        foreach (LayerPlan layer in plan.Layers)
        {
            GemmShape shape = DenseEmitter.TrainingForward(layer);
            string output = $"ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(workspace.Output{layer.Index})";
            string? z = shape.StorePreActivation ? $"ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(workspace.PreActivation{layer.Index})" : null;
            w.Line($"// {LayerComment(layer)}{(layer.LossIsFused ? "; the fused loss reads its logits" : "")}");
            w.Line($"Kernels.{shape.Name}({ForwardArgs(layer, input, output, z)}, count);");
            if (layer.IsLast && !layer.LossIsFused && layer.Spec.Activation == ActivationKind.Softmax)
            {
                w.Line($"{VectorMath}.SoftmaxPaddedRows(workspace.Output{layer.Index}, count, {layer.PaddedOutputSize}, OutputSize);");
            }
            input = output;
        }
        w.CloseBrace();
        w.Line();

        // Backward pass.
        w.Line("/// <summary>Backward pass: from the loss gradient in Delta of the last layer, writes every parameter's gradient.</summary>");
        w.Line(GeneratedCode);
        w.Line(AggressiveOptimization);
        w.OpenBrace($"private void Backward({ReadOnlySpan} inputs, int count, TrainingWorkspace workspace, {Span} gradients)");
        w.Line("ref float parameters = ref _parameters.Reference;");
        w.Line($"ref float gradient = ref {MemoryMarshal}.GetReference(gradients);");
        if (!last.LossIsFused)
        {
            EmitActivationBackward(w, last, "dL/dz = dL/da * f'");
        }
        else
        {
            w.Line($"// dL/dz{last.Index} = p - t (fused {last.Spec.Activation} + {plan.Spec.Loss}), already in Delta{last.Index}.");
        }
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            string a = i == 0 ? Ref("inputs") : $"ref {MemoryMarshal}.GetArrayDataReference(workspace.Output{i - 1})";
            string delta = $"ref {MemoryMarshal}.GetArrayDataReference(workspace.Delta{i})";
            w.Line();
            w.Line($"// {LayerComment(layer)}");
            w.Line($"// dL/dW{i}^T = {(i == 0 ? "inputs" : "a" + (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))}^T * delta{i}");
            w.Line($"Kernels.Layer{i}WeightGradient({a}, {delta}, ref {Unsafe}.Add(ref gradient, {layer.WeightOffset}), count);");
            if (layer.Spec.HasBias)
            {
                w.Line($"// dL/db{i} = sum over samples of delta{i}");
                w.Line($"{Layout}.SumRows(workspace.Delta{i}, count, {layer.PaddedOutputSize}, gradients.Slice({layer.BiasOffset}, {layer.PaddedOutputSize}));");
            }
            if (i > 0)
            {
                LayerPlan previous = plan.Layers[i - 1];
                w.Line($"// dL/da{i - 1} = delta{i} * W{i}, with W{i} copied out-major");
                w.Line($"{Layout}.Transpose(_parameters.Span.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedInputSize}, {layer.PaddedOutputSize}, workspace.Weights{i});");
                w.Line($"Kernels.Layer{i}InputGradient({delta}, ref {MemoryMarshal}.GetArrayDataReference(workspace.Weights{i}), ref {MemoryMarshal}.GetArrayDataReference(workspace.Delta{i - 1}), count);");
                EmitActivationBackward(w, previous, $"delta{i - 1} = dL/da{i - 1} * f'");
            }
        }
        w.Line("_ = parameters;");
        w.CloseBrace();
        w.Line();
    }

    private static void EmitCopyLastBatchOutputs(SourceWriter w, NetworkPlan plan)
    {
        string name = Name(plan);
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

    private static void EmitActivationBackward(SourceWriter w, LayerPlan layer, string comment)
    {
        string span = $"new {Span}(workspace.Delta{layer.Index}, 0, count * {layer.PaddedOutputSize})";
        string outputs = $"new {Span}(workspace.Output{layer.Index}, 0, count * {layer.PaddedOutputSize})";
        switch (layer.Spec.Activation)
        {
            case ActivationKind.Identity:
                return;
            case ActivationKind.Softmax:
                w.Line($"// {comment} (softmax Jacobian)");
                w.Line($"{ActivationGradients}.SoftmaxBackward({outputs}, {span}, count, {layer.PaddedOutputSize}, {layer.OutputSize});");
                return;
            default:
                string z = layer.KeepsPreActivation ? $"new {Span}(workspace.PreActivation{layer.Index}, 0, count * {layer.PaddedOutputSize})" : $"{ReadOnlySpan}.Empty";
                string a = layer.KeepsPreActivation ? $"{ReadOnlySpan}.Empty" : outputs;
                w.Line($"// {comment}");
                w.Line($"{ActivationGradients}.Backward(global::StaticNN.Activation.{layer.Spec.Activation}, {VectorFlavor.FloatLiteral(layer.Spec.Alpha)}, {z}, {a}, {span});");
                return;
        }
    }

    private static void EmitLayerAccess(SourceWriter w, NetworkPlan plan)
    {
        string name = Name(plan);
        foreach (bool set in new[] { false, true })
        {
            string span = set ? ReadOnlySpan : Span;
            w.Line("/// <summary>");
            w.Line(set
                ? "/// Sets layer <paramref name=\"layer\"/>'s parameters from PyTorch's layout: <c>weight[out, in]</c> row-major and <c>bias[out]</c>"
                : "/// Copies layer <paramref name=\"layer\"/>'s parameters out in PyTorch's layout: <c>weight[out, in]</c> row-major and <c>bias[out]</c>");
            w.Line("/// (an empty bias for a layer without one).");
            w.Line("/// </summary>");
            w.Line(GeneratedCode);
            w.OpenBrace($"public void {(set ? "Set" : "Get")}LayerParameters(int layer, {span} weight, {span} bias)");
            w.Line($"{Span} parameters = _parameters.Span;");
            w.OpenBrace("switch (layer)");
            foreach (LayerPlan layer in plan.Layers)
            {
                w.OpenBrace($"case {layer.Index}:");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(weight.Length, {layer.OutputSize * layer.InputSize}, \"{Display(plan)}\", \"layer {layer.Index} weights ({layer.OutputSize} x {layer.InputSize})\", nameof(weight));");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(bias.Length, {(layer.Spec.HasBias ? layer.OutputSize : 0)}, \"{Display(plan)}\", \"layer {layer.Index} bias values\", nameof(bias));");
                if (set)
                {
                    w.Line($"{Layout}.CopyWeightsFromLogical(weight, {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, parameters.Slice({layer.WeightOffset}, {layer.WeightLength}));");
                    if (layer.Spec.HasBias)
                    {
                        w.Line($"bias.CopyTo(parameters.Slice({layer.BiasOffset}, {layer.OutputSize}));");
                    }
                }
                else
                {
                    w.Line($"{Layout}.CopyWeightsToLogical(parameters.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, weight);");
                    if (layer.Spec.HasBias)
                    {
                        w.Line($"parameters.Slice({layer.BiasOffset}, {layer.OutputSize}).CopyTo(bias);");
                    }
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
    }

    private static void EmitVectors(SourceWriter w, NetworkPlan plan)
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
        foreach (LayerPlan layer in plan.Layers)
        {
            int i = layer.Index;
            w.Line($"/// <summary>Layer {i} outputs{(layer.LossIsFused ? " (logits: the fused loss applies the activation)" : "")}, [samples][{layer.PaddedOutputSize}].</summary>");
            w.Line($"public readonly float[] Output{i};");
            if (layer.KeepsPreActivation)
            {
                w.Line($"/// <summary>Layer {i} pre-activations z, [samples][{layer.PaddedOutputSize}].</summary>");
                w.Line($"public readonly float[] PreActivation{i};");
            }
            w.Line($"/// <summary>dL/dz of layer {i}, [samples][{layer.PaddedOutputSize}].</summary>");
            w.Line($"public readonly float[] Delta{i};");
            if (i > 0)
            {
                w.Line($"/// <summary>Layer {i} weights out-major, W{i}[{layer.OutputSize}][{layer.PaddedInputSize}], for dL/da{i - 1}.</summary>");
                w.Line($"public readonly float[] Weights{i} = new float[{layer.OutputSize * layer.PaddedInputSize}];");
            }
        }
        w.Line();
        w.OpenBrace("public TrainingWorkspace(int capacity)");
        w.Line("Capacity = capacity;");
        foreach (LayerPlan layer in plan.Layers)
        {
            int i = layer.Index;
            w.Line($"Output{i} = new float[capacity * {layer.PaddedOutputSize}];");
            if (layer.KeepsPreActivation)
            {
                w.Line($"PreActivation{i} = new float[capacity * {layer.PaddedOutputSize}];");
            }
            w.Line($"Delta{i} = new float[capacity * {layer.PaddedOutputSize}];");
        }
        w.CloseBrace();
        w.CloseBrace();
    }
}
