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
        int depth = OpenType(w, plan.Spec.Type);

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
        w.Line("/// layer  kind       shape            detail      parameters");
        w.Line($"/// input         {plan.Spec.InputSize}");
        foreach (LayerPlan layer in plan.Layers)
        {
            string shape = layer.IsDense
                ? $"{layer.InputSize} -> {layer.OutputSize}{(layer.Spec.HasBias ? "" : " (no bias)")}"
                : $"{layer.OutputSize}";
            string detail = layer.Kind switch
            {
                LayerKind.Dense or LayerKind.Activation => layer.Spec.Activation.ToString(),
                LayerKind.Dropout => "rate " + VectorFlavor.FloatLiteral(layer.Spec.Rate),
                LayerKind.Residual => "+ " + (layer.Spec.ResidualSource < 0 ? "input" : $"layer {layer.Spec.ResidualSource}"),
                _ => "",
            };
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
            string extra = s.Kind switch
            {
                LayerKind.Dense when s.L2 > 0 => $" {{ L2 = {VectorFlavor.FloatLiteral(s.L2)} }}",
                LayerKind.Dropout => $" {{ Rate = {VectorFlavor.FloatLiteral(s.Rate)} }}",
                LayerKind.BatchNorm => $" {{ Momentum = {VectorFlavor.FloatLiteral(s.Momentum)}, Epsilon = {VectorFlavor.FloatLiteral(s.Epsilon)} }}",
                LayerKind.LayerNorm => $" {{ Epsilon = {VectorFlavor.FloatLiteral(s.Epsilon)} }}",
                LayerKind.Residual => $" {{ ResidualSource = {s.ResidualSource.ToString(System.Globalization.CultureInfo.InvariantCulture)} }}",
                _ => "",
            };
            w.Line($"{s.Index} => new global::StaticNN.LayerInfo(global::StaticNN.LayerKind.{s.Kind}, {s.InputSize}, {s.OutputSize}, {(s.HasBias ? "true" : "false")}, global::StaticNN.Activation.{s.Activation}, {VectorFlavor.FloatLiteral(s.Alpha)}){extra},");
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
        if (plan.StateBlockLength > 0)
        {
            w.Line("/// <summary>BatchNorm running statistics (not trained by the optimizer): per layer the mean, then the variance.</summary>");
            w.Line(GeneratedCode);
            w.Line($"private readonly {Runtime}.ParameterBlock _state = new {Runtime}.ParameterBlock({plan.StateBlockLength});");
            w.Line();
        }
        if (plan.HasDropout)
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
            if (layer.IsDense)
            {
                bool he = layer.Spec.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.ELU
                    or ActivationKind.GELU or ActivationKind.SiLU or ActivationKind.Softplus;
                string limit = he ? $"{Layout}.HeLimit({layer.InputSize})" : $"{Layout}.GlorotLimit({layer.InputSize}, {layer.OutputSize})";
                w.Line($"// Layer {layer.Index}: {(he ? "He" : "Glorot")} uniform.");
                w.Line($"{Layout}.InitializeUniform(parameters.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, {limit}, ref random);");
            }
            else if (layer.IsNormalization)
            {
                w.Line($"// Layer {layer.Index}: {layer.Kind} scale 1, shift 0{(layer.Kind == LayerKind.BatchNorm ? ", running mean 0, running variance 1" : "")}.");
                w.Line($"parameters.Slice({layer.WeightOffset}, {layer.OutputSize}).Fill(1f);");
                if (layer.Kind == LayerKind.BatchNorm)
                {
                    w.Line($"_state.Span.Slice({layer.StateOffset + layer.PaddedOutputSize}, {layer.OutputSize}).Fill(1f);");
                }
            }
        }
        if (plan.HasDropout)
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

    private const string Normalization = "global::StaticNN.Layers.NormalizationKernels";
    private const string Dropout = "global::StaticNN.Layers.DropoutKernels";
    private const string ActivationLayer = "global::StaticNN.Layers.ActivationKernels";
    private const string Tensor = "global::System.Numerics.Tensors.TensorPrimitives";

    private static string Ref(string span) => $"ref {First(span)}";

    /// <summary>The span's first element, as a variable reference (without the <c>ref</c> of an argument).</summary>
    private static string First(string span) => $"{MemoryMarshal}.GetReference({span})";

    private static string Param(int offset) => $"ref {ParameterAt(offset)}";

    /// <summary>The parameter block's element at <paramref name="offset"/>, as a variable reference.</summary>
    private static string ParameterAt(int offset) => $"{Unsafe}.Add(ref parameters, {offset})";

    private static string ArrayRef(string array) => $"ref {MemoryMarshal}.GetArrayDataReference({array})";

    /// <summary>A span over the first count rows of a workspace array.</summary>
    private static string Rows(string array, int stride) => $"new {Span}({array}, 0, count * {stride})";

    private static string ParameterSlice(int offset, int length) => $"_parameters.Span.Slice({offset}, {length})";

    private static string StateSlice(int offset, int length) => $"_state.Span.Slice({offset}, {length})";

    /// <summary>Arguments of a dense layer's forward call: input, weights, [bias], output, [z].</summary>
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

    private static string Float(float value) => VectorFlavor.FloatLiteral(value);

    /// <summary>
    /// One inference step of a layer over <paramref name="rows"/> padded rows: writes <paramref name="output"/> from
    /// <paramref name="input"/> (span expressions). Dense layers are handled by the caller (kernel calls).
    /// </summary>
    private static void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source)
    {
        int p = layer.PaddedOutputSize, width = layer.OutputSize;
        switch (layer.Kind)
        {
            case LayerKind.BatchNorm:
                w.Line($"{Normalization}.BatchNormInference({input}, {rows}, {p}, {width}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {StateSlice(layer.StateOffset, p)}, {StateSlice(layer.StateOffset + p, p)}, {Float(layer.Spec.Epsilon)}, {output});");
                break;
            case LayerKind.LayerNorm:
                w.Line($"{Normalization}.LayerNormForward({input}, {rows}, {p}, {width}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(layer.Spec.Epsilon)}, {Span}.Empty, {Span}.Empty, {output});");
                break;
            case LayerKind.Activation when layer.Spec.Activation == ActivationKind.Softmax:
                w.Line($"{input}.CopyTo({output});");
                w.Line($"{VectorMath}.SoftmaxPaddedRows({output}, {rows}, {p}, {width});");
                break;
            case LayerKind.Activation:
                w.Line($"{ActivationLayer}.Forward(global::StaticNN.Activation.{layer.Spec.Activation}, {Float(layer.Spec.Alpha)}, {input}, {output});");
                break;
            case LayerKind.Residual:
                w.Line($"{Tensor}.Add<float>({input}, {source}, {output});");
                break;
        }
    }

    private static void EmitPredict(SourceWriter w, NetworkPlan plan, CompilationFeatures features)
    {
        string skipLocalsInit = features.AllowUnsafe ? "[global::System.Runtime.CompilerServices.SkipLocalsInit]" : "";
        int inputSize = plan.Spec.InputSize;

        // ---- Predict: one sample, every layer's output on the stack.
        w.Line("/// <summary>Runs the network on one sample. Thread-safe (scratch is on the stack); does not allocate.</summary>");
        w.Line($"/// <param name=\"input\">{inputSize} input values.</param>");
        w.Line($"/// <param name=\"output\">Receives the {plan.Last.OutputSize} outputs.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have the expected length.</exception>");
        w.Line(GeneratedCode);
        w.Line(AggressiveOptimization);
        if (skipLocalsInit.Length > 0) w.Line(skipLocalsInit);
        w.OpenBrace($"public void Predict({ReadOnlySpan} input, {Span} output)");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(input.Length, InputSize, \"{Display(plan)}\", \"input values\", nameof(input));");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(output.Length, OutputSize, \"{Display(plan)}\", \"output values\", nameof(output));");
        w.Line("ref float parameters = ref _parameters.Reference;");
        var buffers = new string[plan.Layers.Count + 1]; // [0] = network input, [l + 1] = output of layer l
        bool writesOutput = false;
        buffers[0] = "input";
        if (plan.NeedsPaddedInput)
        {
            w.Line($"{Span} x = stackalloc float[{plan.PaddedInputSize}];");
            w.Line("input.CopyTo(x);");
            w.Line($"x.Slice({inputSize}).Clear();");
            buffers[0] = "x";
        }
        foreach (LayerPlan layer in plan.Layers)
        {
            string input = buffers[layer.Index];
            w.Line($"// {LayerComment(layer)}");
            if (layer.Kind == LayerKind.Dropout)
            {
                w.Line("// (the identity in inference)");
                buffers[layer.Index + 1] = input;
                continue;
            }
            string output = $"a{layer.Index}";
            string scratch = $"{Span} {output} = {Runtime}.StackScratch.Align64(stackalloc float[{layer.PaddedOutputSize + 15}], {layer.PaddedOutputSize});";
            if (layer.IsDense)
            {
                string call = $"Kernels.Layer{layer.Index}ForwardRow({ForwardArgs(layer, Ref(input), Ref(output))});";
                bool softmax = layer.Spec.Activation == ActivationKind.Softmax;
                // Up to 16 classes: one register on the AVX-512 path, inlined (no loop, no call).
                string softmaxCall = layer.PaddedOutputSize == NetworkPlan.Padding
                    ? $"{VectorMath}.SoftmaxPadded16(ref {MemoryMarshal}.GetReference({output}), {layer.OutputSize});"
                    : $"{VectorMath}.SoftmaxPadded({output}, {layer.OutputSize});";
                GemmShape shape = DenseEmitter.Forward(layer);
                bool inPlace = GemmEmitter.IsTinyRow(shape);
                string? bias = layer.Spec.HasBias ? ParameterAt(layer.BiasOffset) : null;
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
                    writesOutput = true;
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
            }
            else
            {
                w.Line(scratch);
                EmitInferenceStep(w, layer, input, output, "1", layer.Kind == LayerKind.Residual ? buffers[layer.Spec.ResidualSource + 1] : null);
            }
            buffers[layer.Index + 1] = output;
        }
        if (!writesOutput)
        {
            w.Line($"{buffers[plan.Layers.Count]}.Slice(0, OutputSize).CopyTo(output);");
        }
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
        w.Line(AggressiveOptimization);
        if (skipLocalsInit.Length > 0) w.Line(skipLocalsInit);
        w.OpenBrace($"public int PredictClass({ReadOnlySpan} input)");
        w.Line($"{Span} output = stackalloc float[OutputSize];");
        w.Line("Predict(input, output);");
        w.Line(plan.Last.OutputSize > 1
            ? "return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(output);"
            : $"return output[0] > {threshold} ? 1 : 0;");
        w.CloseBrace();
        w.Line();

        // ---- PredictBatch: chunks of rows through the block kernels, every layer's chunk on the stack (at most ~128 KB).
        int chunk = Math.Max(1, Math.Min(64, 32768 / plan.TotalPaddedWidth));
        w.Line("/// <summary>");
        w.Line("/// Runs the network on a row-major batch (InputSize values per sample) and writes OutputSize values per sample.");
        w.Line($"/// Rows are processed {chunk} at a time through the batched kernels. Thread-safe; does not allocate.");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The input length is not a positive multiple of InputSize, or the output length does not match.</exception>");
        w.Line(GeneratedCode);
        w.Line(AggressiveOptimization);
        if (skipLocalsInit.Length > 0) w.Line(skipLocalsInit);
        w.OpenBrace($"public void PredictBatch({ReadOnlySpan} inputs, {Span} outputs)");
        w.Line($"int count = {Arguments}.GetBatchCount(inputs.Length, InputSize, \"{Display(plan)}\", nameof(inputs));");
        w.Line($"{Arguments}.ThrowIfLengthIsNot(outputs.Length, count * OutputSize, \"{Display(plan)}\", \"output values (samples x OutputSize)\", nameof(outputs));");
        w.Line($"const int ChunkRows = {chunk};");
        if (plan.NeedsPaddedInput)
        {
            w.Line($"{Span} x = stackalloc float[ChunkRows * {plan.PaddedInputSize}];");
            w.Line("x.Clear();");
        }
        foreach (LayerPlan layer in plan.Layers)
        {
            if (layer.Kind != LayerKind.Dropout)
            {
                w.Line($"{Span} a{layer.Index} = stackalloc float[ChunkRows * {layer.PaddedOutputSize}];");
            }
        }
        w.Line("ref float parameters = ref _parameters.Reference;");
        w.OpenBrace("for (int start = 0; start < count; start += ChunkRows)");
        w.Line("int rows = global::System.Math.Min(ChunkRows, count - start);");
        var batchBuffers = new string[plan.Layers.Count + 1];
        if (plan.NeedsPaddedInput)
        {
            w.OpenBrace("for (int r = 0; r < rows; r++)");
            w.Line($"inputs.Slice((start + r) * InputSize, InputSize).CopyTo(x.Slice(r * {plan.PaddedInputSize}));");
            w.CloseBrace();
            batchBuffers[0] = "x";
        }
        foreach (LayerPlan layer in plan.Layers)
        {
            string? input = batchBuffers[layer.Index];
            if (layer.Kind == LayerKind.Dropout)
            {
                batchBuffers[layer.Index + 1] = input;
                continue;
            }
            string output = $"a{layer.Index}";
            if (layer.IsDense)
            {
                string inputRef = input is null ? $"ref {Unsafe}.Add({Ref("inputs")}, start * InputSize)" : Ref(input);
                w.Line($"Kernels.Layer{layer.Index}Forward({ForwardArgs(layer, inputRef, Ref(output))}, rows);");
                if (layer.Spec.Activation == ActivationKind.Softmax)
                {
                    w.Line($"{VectorMath}.SoftmaxPaddedRows({output}, rows, {layer.PaddedOutputSize}, {layer.OutputSize});");
                }
            }
            else
            {
                string Chunk(string? buffer, int stride) => $"{buffer}.Slice(0, rows * {stride})";
                string? source = layer.Kind == LayerKind.Residual ? Chunk(batchBuffers[layer.Spec.ResidualSource + 1], layer.PaddedOutputSize) : null;
                EmitInferenceStep(w, layer, Chunk(input, layer.PaddedInputSize), Chunk(output, layer.PaddedOutputSize), "rows", source);
            }
            batchBuffers[layer.Index + 1] = output;
        }
        string last = batchBuffers[plan.Layers.Count]!;
        w.OpenBrace("for (int r = 0; r < rows; r++)");
        w.Line($"{last}.Slice(r * {plan.Last.PaddedOutputSize}, OutputSize).CopyTo(outputs.Slice((start + r) * OutputSize, OutputSize));");
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
        w.Line();
    }

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
        bool hasL2 = plan.Layers.Any(l => l.IsDense && l.Spec.L2 > 0);

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
                bool modes = plan.Layers.Any(l => l.Kind is LayerKind.Dropout or LayerKind.BatchNorm);
                w.Line(gradients
                    ? $"/// Computes the mean {plan.Spec.Loss} loss of a batch{(modes ? " in training mode (dropout on, batch statistics)" : "")} and writes its"
                    : $"/// Computes the mean {plan.Spec.Loss} loss of a batch{(modes ? " in inference mode (no dropout, running statistics), as Predict runs" : "")}.");
                if (gradients)
                {
                    w.Line("/// gradient with respect to every parameter into <paramref name=\"gradients\"/>, in the layout of <see cref=\"Parameters\"/>");
                    w.Line("/// (padding gradients are zero).");
                }
                if (hasL2)
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
                foreach (LayerPlan layer in plan.Layers.Where(l => l.IsDense && l.Spec.L2 > 0))
                {
                    w.Line($"loss += {Float(layer.Spec.L2)} * {Tensor}.SumOfSquares<float>({ParameterSlice(layer.WeightOffset, layer.WeightLength)}); // layer {layer.Index} L2");
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
        if (plan.HasDropout)
        {
            w.Line("/// <summary>Copies the dropout mask of layer <paramref name=\"layer\"/> used by the last training batch (samples x size: 0 or 1 / (1 - rate)).</summary>");
            w.Line(GeneratedCode);
            w.OpenBrace($"public void CopyLastDropoutMask(int layer, {Span} mask)");
            w.Line("TrainingWorkspace workspace = _workspace ?? throw new global::System.InvalidOperationException(\"No training batch has run yet.\");");
            w.OpenBrace("switch (layer)");
            foreach (LayerPlan layer in plan.Layers.Where(l => l.Kind == LayerKind.Dropout))
            {
                w.OpenBrace($"case {layer.Index}:");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(mask.Length, workspace.Count * {layer.OutputSize}, \"{Display(plan)}\", \"mask values (last batch samples x {layer.OutputSize})\", nameof(mask));");
                w.OpenBrace("for (int r = 0; r < workspace.Count; r++)");
                w.Line($"new {ReadOnlySpan}(workspace.Mask{layer.Index}, r * {layer.PaddedOutputSize}, {layer.OutputSize}).CopyTo(mask.Slice(r * {layer.OutputSize}));");
                w.CloseBrace();
                w.Line("return;");
                w.CloseBrace();
            }
            w.OpenBrace("default:");
            w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"Layer is not a Dropout layer of {Display(plan)}.\");");
            w.CloseBrace();
            w.CloseBrace();
            w.CloseBrace();
            w.Line();
        }

        EmitForward(w, plan);
        EmitBackward(w, plan);
    }

    /// <summary>The span of layer l's input rows in the workspace (the user's rows or the padded copy for layer 0).</summary>
    private static string TrainingInput(NetworkPlan plan, int layer, int stride) =>
        layer > 0 ? Rows($"workspace.Output{layer - 1}", stride)
        : plan.NeedsPaddedInput ? Rows("workspace.Input", stride)
        : "inputs";

    /// <summary>A ref to the first float of layer l's input rows in the workspace (for the dense kernels).</summary>
    private static string TrainingInputRef(NetworkPlan plan, int layer) =>
        layer > 0 ? ArrayRef($"workspace.Output{layer - 1}")
        : plan.NeedsPaddedInput ? ArrayRef("workspace.Input")
        : Ref("inputs");

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
        if (plan.NeedsPaddedInput)
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
        foreach (LayerPlan layer in plan.Layers)
        {
            int p = layer.PaddedOutputSize, width = layer.OutputSize, l = layer.Index;
            string output = Rows($"workspace.Output{l}", p);
            string input = TrainingInput(plan, l, layer.PaddedInputSize);
            w.Line($"// {LayerComment(layer)}{(layer.LossIsFused ? "; the fused loss reads its logits" : "")}");
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                {
                    GemmShape shape = DenseEmitter.TrainingForward(layer);
                    string inputRef = TrainingInputRef(plan, l);
                    string? z = shape.StorePreActivation ? ArrayRef($"workspace.PreActivation{l}") : null;
                    w.Line($"Kernels.{shape.Name}({ForwardArgs(layer, inputRef, ArrayRef($"workspace.Output{l}"), z)}, count);");
                    if (layer.IsLast && !layer.LossIsFused && layer.Spec.Activation == ActivationKind.Softmax)
                    {
                        w.Line($"{VectorMath}.SoftmaxPaddedRows({output}, count, {p}, OutputSize);");
                    }
                    break;
                }
                case LayerKind.Dropout:
                    w.OpenBrace("if (training)");
                    w.Line($"{Dropout}.Forward({input}, count, {p}, {width}, {Float(layer.Spec.Rate)}, ref _trainingRandom, {Rows($"workspace.Mask{l}", p)}, {output});");
                    w.CloseBrace();
                    w.OpenBrace("else");
                    w.Line($"{input}.CopyTo({output});");
                    w.CloseBrace();
                    break;
                case LayerKind.BatchNorm:
                    w.OpenBrace("if (training)");
                    w.Line($"{Normalization}.BatchNormTraining({input}, count, {p}, {width}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(layer.Spec.Epsilon)}, {Float(layer.Spec.Momentum)}, {StateSlice(layer.StateOffset, p)}, {StateSlice(layer.StateOffset + p, p)}, {Rows($"workspace.Normalized{l}", p)}, workspace.InverseStd{l}, {output});");
                    w.CloseBrace();
                    w.OpenBrace("else");
                    EmitInferenceStep(w, layer, input, output, "count", null);
                    w.CloseBrace();
                    break;
                case LayerKind.LayerNorm:
                    w.Line($"{Normalization}.LayerNormForward({input}, count, {p}, {width}, {ParameterSlice(layer.WeightOffset, p)}, {ParameterSlice(layer.BiasOffset, p)}, {Float(layer.Spec.Epsilon)}, {Rows($"workspace.Normalized{l}", p)}, new {Span}(workspace.InverseStd{l}, 0, count), {output});");
                    break;
                case LayerKind.Activation when layer.LossIsFused:
                    w.Line($"{input}.CopyTo({output});");
                    break;
                case LayerKind.Activation:
                    EmitInferenceStep(w, layer, input, output, "count", null);
                    break;
                case LayerKind.Residual:
                    EmitInferenceStep(w, layer, input, output, "count", TrainingInput(plan, layer.Spec.ResidualSource + 1, p));
                    break;
            }
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
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = plan.Layers[i];
            int p = layer.PaddedOutputSize, width = layer.OutputSize;
            string delta = Rows($"workspace.Delta{i}", p);
            string inputDelta = i > 0 ? Rows($"workspace.Delta{i - 1}", layer.PaddedInputSize) : Rows("workspace.InputDelta", layer.PaddedInputSize);
            w.Line();
            w.Line($"// {LayerComment(layer)}");
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                {
                    if (layer.LossIsFused)
                    {
                        w.Line($"// dL/dz{i} = p - t (fused {layer.Spec.Activation} + {plan.Spec.Loss}), already in Delta{i}.");
                    }
                    else
                    {
                        EmitActivationBackward(w, layer, $"workspace.Delta{i}", $"workspace.PreActivation{i}", $"workspace.Output{i}", layer.KeepsPreActivation);
                    }
                    string a = TrainingInputRef(plan, i);
                    string inputName = i == 0 ? "inputs" : "a" + (i - 1).ToString(CultureInfo.InvariantCulture);
                    w.Line($"// dL/dW{i}^T = {inputName}^T * delta{i}");
                    w.Line($"Kernels.Layer{i}WeightGradient({a}, {ArrayRef($"workspace.Delta{i}")}, ref {Unsafe}.Add(ref gradient, {layer.WeightOffset}), count);");
                    if (layer.Spec.L2 > 0)
                    {
                        w.Line($"// + d(L2 * sum(W{i}^2))/dW{i} = 2 * L2 * W{i}");
                        w.Line($"{Tensor}.MultiplyAdd<float>({ParameterSlice(layer.WeightOffset, layer.WeightLength)}, {Float(2 * layer.Spec.L2)}, gradients.Slice({layer.WeightOffset}, {layer.WeightLength}), gradients.Slice({layer.WeightOffset}, {layer.WeightLength}));");
                    }
                    if (layer.Spec.HasBias)
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
                    break;
                }
                case LayerKind.Dropout:
                    if (i == 0) continue;
                    w.Line($"{Dropout}.Backward({delta}, {Rows($"workspace.Mask{i}", p)}, {inputDelta});");
                    break;
                case LayerKind.BatchNorm:
                case LayerKind.LayerNorm:
                {
                    string inverseStd = layer.Kind == LayerKind.BatchNorm ? $"workspace.InverseStd{i}" : $"new {Span}(workspace.InverseStd{i}, 0, count)";
                    w.Line($"// scale and shift gradients, and dL/d(input)");
                    w.Line($"{Normalization}.{layer.Kind}Backward({delta}, {Rows($"workspace.Normalized{i}", p)}, {inverseStd}, {ParameterSlice(layer.WeightOffset, p)}, count, {p}, {width}, {inputDelta}, gradients.Slice({layer.WeightOffset}, {p}), gradients.Slice({layer.BiasOffset}, {p}));");
                    break;
                }
                case LayerKind.Activation:
                    if (i == 0) continue;
                    w.Line($"{delta}.CopyTo({inputDelta});");
                    if (layer.LossIsFused)
                    {
                        w.Line($"// dL/dz = p - t (fused {layer.Spec.Activation} + {plan.Spec.Loss}), already in Delta{i}.");
                    }
                    else if (layer.Spec.Activation == ActivationKind.Softmax)
                    {
                        w.Line($"{ActivationGradients}.SoftmaxBackward({Rows($"workspace.Output{i}", p)}, {inputDelta}, count, {p}, {width});");
                    }
                    else if (layer.Spec.Activation != ActivationKind.Identity)
                    {
                        w.Line($"{ActivationGradients}.Backward(global::StaticNN.Activation.{layer.Spec.Activation}, {Float(layer.Spec.Alpha)}, {TrainingInput(plan, i, p)}, {Rows($"workspace.Output{i}", p)}, {inputDelta});");
                    }
                    break;
                case LayerKind.Residual:
                    if (i == 0) continue;
                    w.Line($"// d(x + f(x)): the gradient flows into f (here) and, below, into the block's input");
                    w.Line($"{delta}.CopyTo({inputDelta});");
                    break;
            }
            if (i > 0)
            {
                foreach (LayerPlan residual in plan.Layers.Where(r => r.Kind == LayerKind.Residual && r.Spec.ResidualSource == i - 1))
                {
                    w.Line($"// skip connection of the residual block ending at layer {residual.Index}");
                    w.Line($"{Tensor}.Add<float>({Rows($"workspace.Delta{i - 1}", layer.PaddedInputSize)}, {Rows($"workspace.Delta{residual.Index}", layer.PaddedInputSize)}, {Rows($"workspace.Delta{i - 1}", layer.PaddedInputSize)});");
                }
            }
        }
        w.Line("_ = parameters;");
        w.CloseBrace();
        w.Line();
    }

    /// <summary>In-place dL/dz = dL/da * f'(z or a) on a dense layer's delta rows.</summary>
    private static void EmitActivationBackward(SourceWriter w, LayerPlan layer, string delta, string z, string a, bool keepsZ)
    {
        int p = layer.PaddedOutputSize;
        switch (layer.Spec.Activation)
        {
            case ActivationKind.Identity:
                return;
            case ActivationKind.Softmax:
                w.Line("// dL/dz = dL/da * softmax Jacobian");
                w.Line($"{ActivationGradients}.SoftmaxBackward({Rows(a, p)}, {Rows(delta, p)}, count, {p}, {layer.OutputSize});");
                return;
            default:
                w.Line("// dL/dz = dL/da * f'");
                w.Line($"{ActivationGradients}.Backward(global::StaticNN.Activation.{layer.Spec.Activation}, {Float(layer.Spec.Alpha)}, {(keepsZ ? Rows(z, p) : ReadOnlySpan + ".Empty")}, {(keepsZ ? ReadOnlySpan + ".Empty" : Rows(a, p))}, {Rows(delta, p)});");
                return;
        }
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
                int weights = layer.IsDense ? layer.OutputSize * layer.InputSize : layer.IsNormalization ? layer.OutputSize : 0;
                int biases = (layer.IsDense && layer.Spec.HasBias) || layer.IsNormalization ? layer.OutputSize : 0;
                w.OpenBrace($"case {layer.Index}:");
                string what = layer.IsDense ? $"layer {layer.Index} weights ({layer.OutputSize} x {layer.InputSize})" : $"layer {layer.Index} weights";
                w.Line($"{Arguments}.ThrowIfLengthIsNot(weight.Length, {weights}, \"{Display(plan)}\", \"{what}\", nameof(weight));");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(bias.Length, {biases}, \"{Display(plan)}\", \"layer {layer.Index} bias values\", nameof(bias));");
                if (layer.IsDense)
                {
                    w.Line(set
                        ? $"{Layout}.CopyWeightsFromLogical(weight, {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, parameters.Slice({layer.WeightOffset}, {layer.WeightLength}));"
                        : $"{Layout}.CopyWeightsToLogical(parameters.Slice({layer.WeightOffset}, {layer.WeightLength}), {layer.InputSize}, {layer.OutputSize}, {layer.PaddedOutputSize}, weight);");
                }
                else if (layer.IsNormalization)
                {
                    w.Line(set ? $"weight.CopyTo(parameters.Slice({layer.WeightOffset}, {layer.OutputSize}));" : $"parameters.Slice({layer.WeightOffset}, {layer.OutputSize}).CopyTo(weight);");
                }
                if (biases > 0)
                {
                    w.Line(set ? $"bias.CopyTo(parameters.Slice({layer.BiasOffset}, {layer.OutputSize}));" : $"parameters.Slice({layer.BiasOffset}, {layer.OutputSize}).CopyTo(bias);");
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
            foreach (LayerPlan layer in plan.Layers.Where(l => l.Kind == LayerKind.BatchNorm))
            {
                w.OpenBrace($"case {layer.Index}:");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(mean.Length, {layer.OutputSize}, \"{Display(plan)}\", \"layer {layer.Index} running mean values\", nameof(mean));");
                w.Line($"{Arguments}.ThrowIfLengthIsNot(variance.Length, {layer.OutputSize}, \"{Display(plan)}\", \"layer {layer.Index} running variance values\", nameof(variance));");
                string meanSlice = StateSlice(layer.StateOffset, layer.OutputSize), varianceSlice = StateSlice(layer.StateOffset + layer.PaddedOutputSize, layer.OutputSize);
                w.Line(set ? $"mean.CopyTo({meanSlice});" : $"{meanSlice}.CopyTo(mean);");
                w.Line(set ? $"variance.CopyTo({varianceSlice});" : $"{varianceSlice}.CopyTo(variance);");
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
        var allocations = new System.Collections.Generic.List<string>();
        void Field(string name, string doc, string size)
        {
            w.Line($"/// <summary>{doc}</summary>");
            w.Line($"public readonly float[] {name};");
            allocations.Add($"{name} = new float[{size}];");
        }
        if (plan.NeedsPaddedInput)
        {
            Field("Input", $"The samples in padded rows, [samples][{plan.PaddedInputSize}].", $"capacity * {plan.PaddedInputSize}");
        }
        if (plan.Layers[0].IsNormalization)
        {
            Field("InputDelta", "dL/d(input) of the first layer (computed, not used).", $"capacity * {plan.PaddedInputSize}");
        }
        foreach (LayerPlan layer in plan.Layers)
        {
            int i = layer.Index, p = layer.PaddedOutputSize;
            Field($"Output{i}", $"Layer {i} outputs{(layer.LossIsFused ? " (logits: the fused loss applies the activation)" : "")}, [samples][{p}].", $"capacity * {p}");
            if (layer.KeepsPreActivation)
            {
                Field($"PreActivation{i}", $"Layer {i} pre-activations z, [samples][{p}].", $"capacity * {p}");
            }
            Field($"Delta{i}", $"dL/d(output) of layer {i} (dL/dz once its activation is applied), [samples][{p}].", $"capacity * {p}");
            switch (layer.Kind)
            {
                case LayerKind.Dense when i > 0:
                    w.Line($"/// <summary>Layer {i} weights out-major, W{i}[{layer.OutputSize}][{layer.PaddedInputSize}], for dL/da{i - 1}.</summary>");
                    w.Line($"public readonly float[] Weights{i} = new float[{layer.OutputSize * layer.PaddedInputSize}];");
                    break;
                case LayerKind.Dropout:
                    Field($"Mask{i}", $"Layer {i} dropout mask, [samples][{p}].", $"capacity * {p}");
                    break;
                case LayerKind.BatchNorm:
                    Field($"Normalized{i}", $"Layer {i} normalised inputs, [samples][{p}].", $"capacity * {p}");
                    w.Line($"/// <summary>Layer {i} 1 / sqrt(batch variance + epsilon) per feature.</summary>");
                    w.Line($"public readonly float[] InverseStd{i} = new float[{p}];");
                    break;
                case LayerKind.LayerNorm:
                    Field($"Normalized{i}", $"Layer {i} normalised inputs, [samples][{p}].", $"capacity * {p}");
                    Field($"InverseStd{i}", $"Layer {i} 1 / sqrt(variance + epsilon) per sample.", "capacity");
                    break;
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
