using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>
/// Conv2D and Conv1D (a 1-D convolution is a 2-D one of height 1): direct convolution kernels generated for the
/// layer's sizes (<see cref="ConvolutionShape"/>); Same padding copies the input into a zero-bordered grid first. The
/// input gradient is a stride-1 convolution of the dilated, zero-padded output gradient with the flipped kernel.
/// </summary>
internal sealed class ConvolutionEmitter : LayerEmitter
{
    private const string Convolution = Runtime + ".ConvolutionLayout";

    /// <summary>The sizes one layer's kernels and copies need, from its spec and storages.</summary>
    private readonly record struct Geometry(
        int Channels, int Height, int Width, int Filters, int PaddedFilters, int PaddedChannels, Window Window,
        int OutputHeight, int OutputWidth, int InputChannelStride, int InputSampleStride)
    {
        public int PaddedHeight => Window.PaddedHeight(Height);

        public int PaddedWidth => Window.PaddedWidth(Width);

        /// <summary>Floats per sample of the zero-bordered copy of the input.</summary>
        public int PaddedInputFloats => PaddedHeight * PaddedWidth * InputChannelStride;

        /// <summary>The output gradient, dilated by the stride and padded by kernel - 1: rows and columns.</summary>
        public int DilatedHeight => PaddedHeight + Window.Height - 1;

        public int DilatedWidth => PaddedWidth + Window.Width - 1;

        public int DilatedFloats => DilatedHeight * DilatedWidth * PaddedFilters;

        /// <summary>Floats per sample of the input gradient over the padded grid.</summary>
        public int PaddedGradientFloats => PaddedHeight * PaddedWidth * PaddedChannels;

        public int KernelFloats => Window.Height * Window.Width * Channels * PaddedFilters;
    }

    private static ConvolutionOptions Options(LayerSpec layer) => (ConvolutionOptions)layer.Options;

    private static Geometry Of(LayerPlan layer)
    {
        ConvolutionOptions o = Options(layer.Spec);
        (int channels, int height, int width) = layer.Spec.Input.Grid;
        (_, int outputHeight, int outputWidth) = layer.Spec.Output.Grid;
        return new Geometry(channels, height, width, o.Filters, NetworkPlan.Pad(o.Filters), NetworkPlan.Pad(channels), o.Window,
            outputHeight, outputWidth, layer.InputStorage.ChannelStride, layer.InputStorage.SampleStride);
    }

    public override SlotRequest Place(LayerSpec layer, LayerTensor tensor)
    {
        ConvolutionOptions o = Options(layer);
        int padded = NetworkPlan.Pad(o.Filters);
        return tensor.Suffix == "weight"
            ? new SlotRequest(SlotLayout.ConvolutionKernel, $"K{layer.Index}[{o.Window.Height}x{o.Window.Width}x{layer.Input.Grid.Channels}x{padded}]", o.L2)
            : new SlotRequest(SlotLayout.Vector, $"b{layer.Index}[{padded}]");
    }

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        Geometry g = Of(layer);
        int i = layer.Index;
        if (g.Window.IsPadded)
        {
            yield return WorkspaceBuffer.PerSampleRows($"PaddedInput{i}", $"Layer {i} input with its zero border, [samples][{g.PaddedHeight}][{g.PaddedWidth}][{g.InputChannelStride}].", g.PaddedInputFloats);
        }
        if (i > 0)
        {
            yield return WorkspaceBuffer.PerSampleRows($"DilatedDelta{i}", $"Layer {i} output gradient, dilated by the stride and bordered by kernel - 1 zeros, [samples][{g.DilatedHeight}][{g.DilatedWidth}][{g.PaddedFilters}].", g.DilatedFloats);
            yield return WorkspaceBuffer.Fixed($"FlippedKernel{i}", $"Layer {i} kernel rotated by 180 degrees, channels and filters swapped, [{g.Window.Height}][{g.Window.Width}][{g.Filters}][{g.PaddedChannels}], for dL/da{i - 1}.", g.Window.Height * g.Window.Width * g.Filters * g.PaddedChannels);
            if (g.Window.IsPadded)
            {
                yield return WorkspaceBuffer.PerSampleRows($"PaddedInputDelta{i}", $"dL/d(padded input) of layer {i}, [samples][{g.PaddedHeight}][{g.PaddedWidth}][{g.PaddedChannels}]; its interior is dL/da{i - 1}.", g.PaddedGradientFloats);
            }
        }
    }

    public override IEnumerable<(string Name, int Floats)> InferenceScratch(LayerPlan layer)
    {
        Geometry g = Of(layer);
        if (g.Window.IsPadded)
        {
            yield return ($"padded{layer.Index}", g.PaddedInputFloats);
        }
    }

    public override bool CanReadUserRows(LayerSpec layer, Storage userRows) => userRows.IsChannelsLast;

    public override bool KeepsPreActivation(LayerSpec layer, bool lossIsFused) => NetworkPlan.NeedsPreActivation(layer.Activation);

    public override string Comment(LayerPlan layer)
    {
        LayerSpec s = layer.Spec;
        ConvolutionOptions o = Options(s);
        Window w = o.Window;
        string padding = o.Padding == PaddingKind.Valid ? "Valid"
            : s.Kind == LayerKind.Conv1D ? $"Same ({w.PadLeft}, {w.PadRight})" : $"Same ({w.PadTop}, {w.PadBottom}, {w.PadLeft}, {w.PadRight})";
        return $"Layer {s.Index}: {s.Kind} {s.Input} -> {s.Output}, kernel {w.SizeText}, stride {w.StrideWidth}, padding {padding}, {(layer.HasBias ? "bias" : "no bias")}, activation {s.Activation}{ActivationCode.AlphaText(s)}"
            + (o.L2 > 0 ? $", L2 {Float(o.L2)}" : "")
            + $" (kernel {layer.Slot("weight")!.KernelName} at {layer.WeightOffset}"
            + (layer.HasBias ? $", bias {layer.Slot("bias")!.KernelName} at {layer.BiasOffset})" : ")");
    }

    public override (string Shape, string Detail) Summary(LayerPlan layer)
    {
        ConvolutionOptions o = Options(layer.Spec);
        return ($"{layer.Spec.Output}", $"{o.Window.SizeText}{(o.Window.StrideWidth > 1 ? "/" + o.Window.StrideWidth : "")} {layer.Spec.Activation}");
    }

    public override IEnumerable<string> LayerInfoSettings(LayerPlan layer) => WindowSettings(Options(layer.Spec).Window, Options(layer.Spec).Padding, Options(layer.Spec).L2);

    /// <summary>LayerInfo's window settings, shared with pooling.</summary>
    internal static IEnumerable<string> WindowSettings(Window window, PaddingKind padding, float l2)
    {
        yield return $"KernelHeight = {window.Height}";
        yield return $"KernelWidth = {window.Width}";
        yield return $"Stride = {window.StrideWidth}";
        yield return $"StrideHeight = {window.StrideHeight}";
        if (padding != PaddingKind.Valid)
        {
            yield return $"Padding = global::StaticNN.Padding.{padding}";
        }
        if (l2 > 0)
        {
            yield return $"L2 = {Float(l2)}";
        }
    }

    public override string ShortName(LayerPlan layer) => $"{layer.Kind} {layer.Spec.Input} -> {layer.Spec.Output}";

    public override void EmitInitialization(SourceWriter w, LayerPlan layer, NetworkPlan plan)
    {
        Geometry g = Of(layer);
        int window = g.Window.Height * g.Window.Width;
        bool he = ActivationCode.UsesHeInitialization(layer.Spec.Activation);
        // Fan-in and fan-out count the window, as Keras and PyTorch do for convolutions.
        string limit = he ? $"{Layout}.HeLimit({g.Channels * window})" : $"{Layout}.GlorotLimit({g.Channels * window}, {g.Filters * window})";
        w.Line($"// Layer {layer.Index}: {(he ? "He" : "Glorot")} uniform, fan-in {g.Channels} x {window}.");
        w.Line($"{Convolution}.InitializeUniform(parameters.Slice({layer.WeightOffset}, {layer.WeightLength}), {g.Filters}, {g.Channels}, {g.Window.Height}, {g.Window.Width}, {g.PaddedFilters}, {limit}, ref random);");
    }

    /// <summary>The zero-bordered copy of <paramref name="samples"/> samples of the input, for Same padding.</summary>
    private static void EmitBorder(SourceWriter w, Geometry g, string input, string samples, string target)
    {
        w.Line($"{Convolution}.Embed({input}, {samples}, {g.InputSampleStride}, {g.Height}, {g.Width}, {g.InputChannelStride}, 1, 1, {g.Window.PadTop}, {g.Window.PadLeft}, {target}, {g.PaddedInputFloats}, {g.PaddedHeight}, {g.PaddedWidth});");
    }

    private static string CallArguments(LayerPlan layer, string input, string output, string? z, string samples)
    {
        string arguments = $"{input}, {Param(layer.WeightOffset)}";
        if (layer.HasBias)
        {
            arguments += $", {Param(layer.BiasOffset)}";
        }
        arguments += $", {output}";
        if (z is not null)
        {
            arguments += $", {z}";
        }
        return arguments + $", {samples}";
    }

    public override void EmitPredict(PredictContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        Geometry g = Of(layer);
        string input = context.Input!;
        if (g.Window.IsPadded)
        {
            string padded = $"padded{layer.Index}";
            w.Line(context.ScratchFor(padded, g.PaddedInputFloats));
            EmitBorder(w, g, input, "1", padded);
            input = padded;
        }
        w.Line(context.Scratch);
        w.Line($"Kernels.Layer{layer.Index}Forward({CallArguments(layer, Ref(input), Ref(context.Output), null, "1")});");
        context.Produce(context.Output);
    }

    public override void EmitPredictBatch(BatchContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        Geometry g = Of(layer);
        string input = context.Input is null ? $"inputs.Slice(start * InputSize, rows * InputSize)" : context.Chunk(context.Input, g.InputSampleStride);
        string inputRef;
        if (g.Window.IsPadded)
        {
            string padded = $"padded{layer.Index}";
            EmitBorder(w, g, input, "rows", padded);
            inputRef = Ref(padded);
        }
        else
        {
            inputRef = context.Input is null ? $"ref {Unsafe}.Add({Ref("inputs")}, start * InputSize)" : Ref(context.Input);
        }
        w.Line($"Kernels.Layer{layer.Index}Forward({CallArguments(layer, inputRef, Ref(context.Output), null, "rows")});");
        context.Produce(context.Output);
    }

    public override void EmitTrainingForward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        Geometry g = Of(layer);
        int l = layer.Index;
        string input = context.InputRef(l);
        if (g.Window.IsPadded)
        {
            EmitBorder(w, g, context.Input(l, g.InputSampleStride), "count", Rows($"workspace.PaddedInput{l}", g.PaddedInputFloats));
            input = ArrayRef($"workspace.PaddedInput{l}");
        }
        string? z = layer.KeepsPreActivation ? ArrayRef($"workspace.PreActivation{l}") : null;
        w.Line($"Kernels.Layer{l}{(z is null ? "Forward" : "ForwardTraining")}({CallArguments(layer, input, ArrayRef($"workspace.Output{l}"), z, "count")});");
    }

    public override void EmitBackward(TrainingContext context, LayerPlan layer)
    {
        SourceWriter w = context.Writer;
        Geometry g = Of(layer);
        int i = layer.Index, p = layer.PaddedOutputSize;
        ActivationCode.EmitBackward(w, layer, $"workspace.Delta{i}", $"workspace.PreActivation{i}", $"workspace.Output{i}", layer.KeepsPreActivation);
        string input = g.Window.IsPadded ? ArrayRef($"workspace.PaddedInput{i}") : context.InputRef(i);
        w.Line($"// dL/dK{i} = sum over samples and positions of input window * delta{i}");
        w.Line($"Kernels.Layer{i}WeightGradient({input}, {ArrayRef($"workspace.Delta{i}")}, ref {Unsafe}.Add(ref gradient, {layer.WeightOffset}), count);");
        ParameterSlot weight = layer.Slot("weight")!;
        if (weight.L2 > 0)
        {
            w.Line($"// + d(L2 * sum(K{i}^2))/dK{i} = 2 * L2 * K{i}");
            w.Line($"{Tensor}.MultiplyAdd<float>({ParameterSlice(layer.WeightOffset, layer.WeightLength)}, {Float(2 * weight.L2)}, gradients.Slice({layer.WeightOffset}, {layer.WeightLength}), gradients.Slice({layer.WeightOffset}, {layer.WeightLength}));");
        }
        if (layer.HasBias)
        {
            w.Line($"// dL/db{i} = sum over samples and positions of delta{i}");
            w.Line($"{Layout}.SumRows(workspace.Delta{i}, {layer.OutputRows("count")}, {g.PaddedFilters}, gradients.Slice({layer.BiasOffset}, {g.PaddedFilters}));");
        }
        if (i == 0)
        {
            return;
        }
        w.Line($"// dL/da{i - 1}: the output gradient, dilated by the stride and bordered with kernel - 1 zeros, convolved with the flipped kernel");
        w.Line($"{Convolution}.FlipForInputGradient({ParameterSlice(layer.WeightOffset, layer.WeightLength)}, {g.Filters}, {g.Channels}, {g.Window.Height}, {g.Window.Width}, {g.PaddedFilters}, {g.PaddedChannels}, workspace.FlippedKernel{i});");
        w.Line($"{Convolution}.Embed({context.Delta(i, p)}, count, {p}, {g.OutputHeight}, {g.OutputWidth}, {g.PaddedFilters}, {g.Window.StrideHeight}, {g.Window.StrideWidth}, {g.Window.Height - 1}, {g.Window.Width - 1}, {Rows($"workspace.DilatedDelta{i}", g.DilatedFloats)}, {g.DilatedFloats}, {g.DilatedHeight}, {g.DilatedWidth});");
        if (!g.Window.IsPadded)
        {
            w.Line($"Kernels.Layer{i}InputGradient({ArrayRef($"workspace.DilatedDelta{i}")}, {ArrayRef($"workspace.FlippedKernel{i}")}, {ArrayRef($"workspace.Delta{i - 1}")}, count);");
            return;
        }
        w.Line($"Kernels.Layer{i}InputGradient({ArrayRef($"workspace.DilatedDelta{i}")}, {ArrayRef($"workspace.FlippedKernel{i}")}, {ArrayRef($"workspace.PaddedInputDelta{i}")}, count);");
        w.Line("// the border was padding, not input: keep the interior");
        w.Line($"{Convolution}.Crop({Rows($"workspace.PaddedInputDelta{i}", g.PaddedGradientFloats)}, count, {g.PaddedGradientFloats}, {g.PaddedWidth}, {g.PaddedChannels}, {g.Window.PadTop}, {g.Window.PadLeft}, {g.Height}, {g.Width}, {g.Channels}, {context.InputDelta(layer)}, {layer.PaddedInputSize}, {g.PaddedChannels});");
    }

    public override IEnumerable<IKernel> Kernels(LayerPlan layer)
    {
        Geometry g = Of(layer);
        LayerSpec s = layer.Spec;
        int i = layer.Index;
        int inputFloats = g.Window.IsPadded ? g.PaddedInputFloats : g.InputSampleStride;
        int inputWidth = g.PaddedWidth;
        string bias = layer.HasBias ? $" + b{i}" : "";
        string activation = s.Activation == ActivationKind.Identity ? "" : s.Activation.ToString();
        var forward = new ConvolutionShape(
            $"Layer{i}Forward",
            $"Layer {i} forward: {s.Output} = {activation}(conv({s.Input}{(g.Window.IsPadded ? " zero-bordered" : "")}, K{i}){bias}), {g.OutputHeight * g.OutputWidth} positions x {g.PaddedFilters} filters per sample.",
            inputFloats, inputWidth, g.InputChannelStride, g.Channels, g.Window.Height, g.Window.Width, g.Window.StrideHeight, g.Window.StrideWidth,
            g.OutputHeight, g.OutputWidth, g.PaddedFilters, layer.PaddedOutputSize, layer.HasBias, StorePreActivation: false, s.Activation, s.Alpha);
        yield return forward;
        if (layer.KeepsPreActivation)
        {
            yield return forward with
            {
                Name = $"Layer{i}ForwardTraining",
                Summary = $"Layer {i} training forward: z = conv(a, K{i}){bias}, c = {activation}(z).",
                StorePreActivation = true,
            };
        }
        yield return new ConvolutionWeightGradientShape(
            $"Layer{i}WeightGradient",
            $"Layer {i} kernel gradient: dK{i}[kh][kw][ci] = sum over samples and {g.OutputHeight * g.OutputWidth} positions of a[window + (kh, kw)][ci] * delta{i}.",
            inputFloats, inputWidth, g.InputChannelStride, g.Channels, g.Window.Height, g.Window.Width, g.Window.StrideHeight, g.Window.StrideWidth,
            g.OutputHeight, g.OutputWidth, g.PaddedFilters, layer.PaddedOutputSize);
        if (i > 0)
        {
            yield return new ConvolutionShape(
                $"Layer{i}InputGradient",
                $"Layer {i} input gradient: dL/da{i - 1} over the {g.PaddedHeight}x{g.PaddedWidth} {(g.Window.IsPadded ? "padded " : "")}input = conv(dilated delta{i}, flipped K{i}).",
                g.DilatedFloats, g.DilatedWidth, g.PaddedFilters, g.Filters, g.Window.Height, g.Window.Width, 1, 1,
                g.PaddedHeight, g.PaddedWidth, g.PaddedChannels, g.Window.IsPadded ? g.PaddedGradientFloats : layer.PaddedInputSize,
                HasBias: false, StorePreActivation: false, ActivationKind.Identity, 0f);
        }
    }
}
