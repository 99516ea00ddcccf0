using System;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting;

internal static partial class NetworkEmitter
{
    private const int ThreadScratchLimit = 65_536; // Runtime.ThreadScratch.StackLimitFloats

    /// <summary>The thread buffer Predict rents: every span rounded up to 16 floats.</summary>
    private static int RoundedScratch(NetworkPlan plan) => plan.PredictScratchFloats + 16 * (plan.Layers.Count * 2 + 2);

    /// <summary>The user's channels-first samples copied into the layers' channels-last storage.</summary>
    private static string ToChannelsLast(NetworkPlan plan, string input, string samples, string target)
    {
        Storage storage = Storage.Standard(plan.Spec.Input);
        return $"{Runtime}.ConvolutionLayout.ToChannelsLast({input}, {samples}, InputSize, {storage.Positions}, {storage.Channels}, {storage.ChannelStride}, {target}, {storage.SampleStride});";
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
        buffers[0] = "input";
        var scratch = new ScratchSpace(plan.PredictScratchFloats > ThreadScratchLimit);
        if (scratch.UsesThreadBuffer)
        {
            w.Line($"// {plan.PredictScratchFloats} floats of activations: too many for the stack, so they live in this thread's scratch buffer.");
            w.Line($"{Span} scratch = {Runtime}.ThreadScratch.Rent({RoundedScratch(plan)});");
        }
        if (plan.NeedsPaddedInput && plan.Spec.Input.IsSpatial)
        {
            w.Line("// The image channels-last, channels padded to 16 (the layers' storage).");
            w.Line(scratch.Declare("x", plan.PaddedInputSize));
            w.Line(ToChannelsLast(plan, "input", "1", "x"));
            buffers[0] = "x";
        }
        else if (plan.NeedsPaddedInput)
        {
            w.Line($"{Span} x = stackalloc float[{plan.PaddedInputSize}];");
            w.Line("input.CopyTo(x);");
            w.Line($"x.Slice({inputSize}).Clear();");
            buffers[0] = "x";
        }
        var predict = new PredictContext(w, plan, buffers, scratch);
        foreach (LayerPlan layer in plan.Layers)
        {
            w.Line($"// {layer.Emitter.Comment(layer)}");
            predict.Begin(layer);
            layer.Emitter.EmitPredict(predict, layer);
        }
        if (!predict.WroteNetworkOutput)
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
        var chunkScratch = new ScratchSpace((long)chunk * plan.TotalPaddedWidth > ThreadScratchLimit, chunk, "ChunkRows");
        if (chunkScratch.UsesThreadBuffer)
        {
            w.Line($"// {chunk * plan.TotalPaddedWidth} floats of activations per chunk: too many for the stack, so they live in this thread's scratch buffer.");
            w.Line($"{Span} scratch = {Runtime}.ThreadScratch.Rent({(chunk * plan.TotalPaddedWidth + 16 * (plan.Layers.Count * 2 + 2) + 15) / 16 * 16});");
        }
        if (plan.NeedsPaddedInput)
        {
            w.Line(chunkScratch.Declare("x", plan.PaddedInputSize));
            w.Line("x.Clear();");
        }
        foreach (LayerPlan layer in plan.Layers)
        {
            if (!layer.Emitter.IsIdentityInInference)
            {
                w.Line(chunkScratch.Declare($"a{layer.Index}", layer.PaddedOutputSize));
            }
            foreach ((string name, int floats) in layer.Emitter.InferenceScratch(layer))
            {
                w.Line(chunkScratch.Declare(name, floats));
            }
        }
        w.Line("ref float parameters = ref _parameters.Reference;");
        w.OpenBrace("for (int start = 0; start < count; start += ChunkRows)");
        w.Line("int rows = global::System.Math.Min(ChunkRows, count - start);");
        var batchBuffers = new string?[plan.Layers.Count + 1];
        if (plan.NeedsPaddedInput && plan.Spec.Input.IsSpatial)
        {
            w.Line(ToChannelsLast(plan, "inputs.Slice(start * InputSize, rows * InputSize)", "rows", "x"));
            batchBuffers[0] = "x";
        }
        else if (plan.NeedsPaddedInput)
        {
            w.OpenBrace("for (int r = 0; r < rows; r++)");
            w.Line($"inputs.Slice((start + r) * InputSize, InputSize).CopyTo(x.Slice(r * {plan.PaddedInputSize}));");
            w.CloseBrace();
            batchBuffers[0] = "x";
        }
        var batch = new BatchContext(w, plan, batchBuffers);
        foreach (LayerPlan layer in plan.Layers)
        {
            batch.Begin(layer);
            layer.Emitter.EmitPredictBatch(batch, layer);
        }
        string last = batchBuffers[plan.Layers.Count]!;
        w.OpenBrace("for (int r = 0; r < rows; r++)");
        w.Line($"{last}.Slice(r * {plan.Last.PaddedOutputSize}, OutputSize).CopyTo(outputs.Slice((start + r) * OutputSize, OutputSize));");
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
        w.Line();
    }
}
