using System;
using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Planning;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>
/// Everything the generator knows about one layer kind on the emitting side: how it stores its tensors, what it adds
/// to the workspace, how it describes itself, and the code it writes into each pass. The network emitter loops over
/// the layers and calls these; it tells no kinds apart. Register a new kind in <see cref="LayerEmitters"/>.
/// </summary>
internal abstract class LayerEmitter
{
    // ---- Plan

    /// <summary>How one of the layer's tensors (from its options' <c>Tensors</c>) is stored.</summary>
    public virtual SlotRequest Place(LayerSpec layer, LayerTensor tensor) => new(SlotLayout.Vector, tensor.Suffix);

    /// <summary>Workspace arrays the training passes need beyond Output, PreActivation and Delta.</summary>
    public virtual IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        yield break;
    }

    /// <summary>
    /// As the first layer, reads the user's rows as they are (unpadded, channels first); otherwise they are copied into
    /// the standard storage first (padded rows, or channels-last for an image).
    /// </summary>
    public virtual bool CanReadUserRows(LayerSpec layer, Storage userRows) => false;

    /// <summary>As the last layer, the loss may apply the activation itself (softmax or sigmoid with its cross-entropy).</summary>
    public virtual bool CanFuseLoss => false;

    /// <summary>The training forward keeps the pre-activation z for the backward pass.</summary>
    public virtual bool KeepsPreActivation(LayerSpec layer, bool lossIsFused) => false;

    /// <summary>Draws random numbers in training (the network then owns a seeded stream).</summary>
    public virtual bool UsesTrainingRandom => false;

    /// <summary>Behaves differently in training (ComputeGradients) and inference (Predict, ComputeLoss).</summary>
    public virtual bool HasTrainingMode => false;

    /// <summary>As the first layer, still writes dL/d(input) (into the workspace's InputDelta, unused).</summary>
    public virtual bool WritesFirstInputGradient => false;

    /// <summary>A second input: the layer whose output this one also reads (-1: the network input), or null.</summary>
    public virtual int? ExtraSource(LayerSpec layer) => null;

    // ---- Describe

    /// <summary>The one-line comment above the layer's code in every pass.</summary>
    public abstract string Comment(LayerPlan layer);

    /// <summary>The shape and detail columns of the architecture table in the class's remarks.</summary>
    public abstract (string Shape, string Detail) Summary(LayerPlan layer);

    /// <summary>Kind-specific settings of the layer's <c>LayerInfo</c>, as <c>Name = value</c> initializers.</summary>
    public virtual IEnumerable<string> LayerInfoSettings(LayerPlan layer)
    {
        yield break;
    }

    /// <summary>How the baked-weights file describes the layer: "Dense 4 -> 10" or "BatchNorm 64".</summary>
    public virtual string ShortName(LayerPlan layer) => $"{layer.Kind} {layer.OutputSize}";

    // ---- Emit

    /// <summary>The constructor's initialisation of the layer's tensors (after the seeded stream is created).</summary>
    public virtual void EmitInitialization(SourceWriter w, LayerPlan layer, NetworkPlan plan)
    {
    }

    /// <summary>
    /// The inference computation over <paramref name="rows"/> padded rows: writes <paramref name="output"/> from
    /// <paramref name="input"/> (span expressions), reading <paramref name="source"/> too for layers with a second input.
    /// Used by the default Predict and PredictBatch and by the training forward's inference mode.
    /// </summary>
    public virtual void EmitInferenceStep(SourceWriter w, LayerPlan layer, string input, string output, string rows, string? source) =>
        throw new NotSupportedException($"{layer.Kind} writes its own inference code.");

    /// <summary>Batch-1 inference: every layer's output on the stack.</summary>
    public virtual void EmitPredict(PredictContext context, LayerPlan layer)
    {
        context.Writer.Line(context.Scratch);
        EmitInferenceStep(context.Writer, layer, context.Input!, context.Output, "1", context.Source(layer));
        context.Produce(context.Output);
    }

    /// <summary>PredictBatch over a chunk of rows: the chunk's output rows were declared on the stack.</summary>
    public virtual void EmitPredictBatch(BatchContext context, LayerPlan layer)
    {
        string? source = context.Source(layer) is { } s ? context.Chunk(s, layer.PaddedOutputSize) : null;
        EmitInferenceStep(context.Writer, layer, context.Chunk(context.Input, layer.PaddedInputSize), context.Chunk(context.Output, layer.PaddedOutputSize), "rows", source);
        context.Produce(context.Output);
    }

    /// <summary>Scratch the inference passes need besides the layer's output, per sample: a name and its floats.</summary>
    public virtual IEnumerable<(string Name, int Floats)> InferenceScratch(LayerPlan layer)
    {
        yield break;
    }

    /// <summary>Whether inference passes the input through unchanged (no buffer, no code).</summary>
    public virtual bool IsIdentityInInference => false;

    /// <summary>The training pass's forward step: from the workspace's input rows into Output{i}.</summary>
    public abstract void EmitTrainingForward(TrainingContext context, LayerPlan layer);

    /// <summary>The backward step: from Delta{i}, the tensors' gradients and dL/d(input) into Delta{i - 1}.</summary>
    public abstract void EmitBackward(TrainingContext context, LayerPlan layer);

    /// <summary>After the backward step of the layer that reads <paramref name="layer"/>'s source, adds its share of the gradient.</summary>
    public virtual void EmitGradientJoin(TrainingContext context, LayerPlan layer, int sourceDeltaLayer, int stride)
    {
    }

    /// <summary>The kernels (matrix products with constant sizes) the layer calls.</summary>
    public virtual IEnumerable<IKernel> Kernels(LayerPlan layer)
    {
        yield break;
    }

    /// <summary>Members the kind adds to the network class once, given its layers (e.g. CopyLastDropoutMask).</summary>
    public virtual void EmitMembers(SourceWriter w, NetworkPlan plan, IReadOnlyList<LayerPlan> layers)
    {
    }
}

/// <summary>What a layer's batch-1 Predict code reads and writes.</summary>
internal sealed class PredictContext
{
    private readonly string[] _buffers;

    private readonly ScratchSpace _scratch;

    public PredictContext(SourceWriter writer, NetworkPlan plan, string[] buffers, ScratchSpace scratch)
    {
        Writer = writer;
        Plan = plan;
        _buffers = buffers;
        _scratch = scratch;
    }

    public SourceWriter Writer { get; }

    public NetworkPlan Plan { get; }

    public LayerPlan Layer { get; private set; } = null!;

    /// <summary>The span the layer reads.</summary>
    public string? Input => _buffers[Layer.Index];

    /// <summary>The name of the span the layer writes: <c>a{i}</c>.</summary>
    public string Output => $"a{Layer.Index}";

    /// <summary>The declaration of <see cref="Output"/>: on the stack or in the thread's scratch, 64-byte aligned.</summary>
    public string Scratch => _scratch.Declare(Output, Layer.PaddedOutputSize);

    /// <summary>The declaration of more scratch, 64-byte aligned.</summary>
    public string ScratchFor(string name, int floats) => _scratch.Declare(name, floats);

    /// <summary>Set when the layer wrote the caller's output span itself.</summary>
    public bool WroteNetworkOutput { get; set; }

    public void Begin(LayerPlan layer) => Layer = layer;

    /// <summary>The layer's result is in <paramref name="buffer"/> (its own output, or its input for identity layers).</summary>
    public void Produce(string buffer) => _buffers[Layer.Index + 1] = buffer;

    /// <summary>The span of the layer's second input, or null.</summary>
    public string? Source(LayerPlan layer) => layer.Emitter.ExtraSource(layer.Spec) is int source ? _buffers[source + 1] : null;
}

/// <summary>
/// Where inference scratch lives: on the stack (each span 64-byte aligned), or, when a network's activations would take
/// more than <c>ThreadScratch.StackLimitFloats</c>, in slices of one per-thread buffer (a huge stackalloc would overflow
/// the stack of a thread with a small one).
/// </summary>
internal sealed class ScratchSpace
{
    private int _offset;

    public ScratchSpace(bool threadBuffer, int rowsPerSpan = 1, string? rowsName = null)
    {
        UsesThreadBuffer = threadBuffer;
        RowsPerSpan = rowsPerSpan;
        RowsName = rowsName;
    }

    /// <summary>Whether spans are slices of <c>scratch</c>, the thread's buffer.</summary>
    public bool UsesThreadBuffer { get; }

    /// <summary>Rows per span (PredictBatch's chunk) and its constant's name; 1 and null for Predict.</summary>
    public int RowsPerSpan { get; }

    public string? RowsName { get; }

    /// <summary>Floats given out so far (the thread buffer's length to rent).</summary>
    public int Total => _offset;

    /// <summary>A span declaration of <paramref name="floats"/> per row.</summary>
    public string Declare(string name, int floats)
    {
        string length = RowsName is null ? $"{floats}" : $"{RowsName} * {floats}";
        if (!UsesThreadBuffer)
        {
            return RowsName is null
                ? $"{EmitterText.Span} {name} = {EmitterText.Runtime}.StackScratch.Align64(stackalloc float[{floats + 15}], {floats});"
                : $"{EmitterText.Span} {name} = stackalloc float[{length}];";
        }
        int offset = _offset;
        _offset += (floats * RowsPerSpan + 15) / 16 * 16;
        return $"{EmitterText.Span} {name} = scratch.Slice({offset}, {length});";
    }
}

/// <summary>What a layer's PredictBatch code reads and writes, for one chunk of rows.</summary>
internal sealed class BatchContext
{
    private readonly string?[] _buffers;

    public BatchContext(SourceWriter writer, NetworkPlan plan, string?[] buffers)
    {
        Writer = writer;
        Plan = plan;
        _buffers = buffers;
    }

    public SourceWriter Writer { get; }

    public NetworkPlan Plan { get; }

    public LayerPlan Layer { get; private set; } = null!;

    /// <summary>The chunk span the layer reads; null for the user's rows themselves.</summary>
    public string? Input => _buffers[Layer.Index];

    /// <summary>The chunk span the layer writes: <c>a{i}</c>.</summary>
    public string Output => $"a{Layer.Index}";

    public void Begin(LayerPlan layer) => Layer = layer;

    public void Produce(string? buffer) => _buffers[Layer.Index + 1] = buffer;

    /// <summary>The chunk's rows of a stack buffer.</summary>
    public string Chunk(string? buffer, int stride) => $"{buffer}.Slice(0, rows * {stride})";

    public string? Source(LayerPlan layer) => layer.Emitter.ExtraSource(layer.Spec) is int source ? _buffers[source + 1] : null;
}

/// <summary>What a layer's training forward and backward code reads and writes in the workspace.</summary>
internal sealed class TrainingContext
{
    public TrainingContext(SourceWriter writer, NetworkPlan plan)
    {
        Writer = writer;
        Plan = plan;
    }

    public SourceWriter Writer { get; }

    public NetworkPlan Plan { get; }

    public LossKind Loss => Plan.Spec.Loss;

    /// <summary>The span of layer <paramref name="layer"/>'s input rows (the user's rows or the padded copy for layer 0).</summary>
    public string Input(int layer, int stride) =>
        layer > 0 ? EmitterText.Rows($"workspace.Output{layer - 1}", stride)
        : Plan.NeedsPaddedInput ? EmitterText.Rows("workspace.Input", stride)
        : "inputs";

    /// <summary>A ref to the first float of layer <paramref name="layer"/>'s input rows (for the kernels).</summary>
    public string InputRef(int layer) =>
        layer > 0 ? EmitterText.ArrayRef($"workspace.Output{layer - 1}")
        : Plan.NeedsPaddedInput ? EmitterText.ArrayRef("workspace.Input")
        : EmitterText.Ref("inputs");

    /// <summary>The rows of layer <paramref name="layer"/>'s outputs.</summary>
    public string Output(int layer, int stride) => EmitterText.Rows($"workspace.Output{layer}", stride);

    /// <summary>The rows of dL/d(output) of layer <paramref name="layer"/>.</summary>
    public string Delta(int layer, int stride) => EmitterText.Rows($"workspace.Delta{layer}", stride);

    /// <summary>The rows of dL/d(input) of <paramref name="layer"/>: the previous layer's delta, or InputDelta for layer 0.</summary>
    public string InputDelta(LayerPlan layer) =>
        layer.Index > 0 ? Delta(layer.Index - 1, layer.PaddedInputSize) : EmitterText.Rows("workspace.InputDelta", layer.PaddedInputSize);
}
