using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Planning;

/// <summary>Where one layer's tensors and buffers are, and how the passes route data through it.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(
        LayerSpec spec, LayerEmitter emitter, Storage inputStorage, IReadOnlyList<ParameterSlot> slots, bool isLast,
        bool keepsPreActivation, bool lossIsFused, IReadOnlyList<WorkspaceBuffer> buffers)
    {
        Spec = spec;
        Emitter = emitter;
        InputStorage = inputStorage;
        OutputStorage = Storage.Standard(spec.Output);
        Slots = slots;
        IsLast = isLast;
        KeepsPreActivation = keepsPreActivation;
        LossIsFused = lossIsFused;
        Buffers = buffers;
    }

    public LayerSpec Spec { get; }

    /// <summary>The emitter of the layer's kind.</summary>
    public LayerEmitter Emitter { get; }

    /// <summary>How the buffer the layer reads holds a sample (the user's rows, for some first layers).</summary>
    public Storage InputStorage { get; }

    /// <summary>How the layer's output buffers hold a sample.</summary>
    public Storage OutputStorage { get; }

    /// <summary>Row stride of the buffer the layer reads (the user's unpadded rows for a first Dense layer).</summary>
    public int InputStride => InputStorage.SampleStride;

    /// <summary>The layer's tensors, in layout order (parameters first, then state).</summary>
    public IReadOnlyList<ParameterSlot> Slots { get; }

    /// <summary>Whether this is the output layer.</summary>
    public bool IsLast { get; }

    /// <summary>The training forward also stores the pre-activation z (the activation's derivative needs it).</summary>
    public bool KeepsPreActivation { get; }

    /// <summary>The loss reads this last layer's logits and applies its activation itself (p - t).</summary>
    public bool LossIsFused { get; }

    /// <summary>Workspace arrays of this layer beyond Output, PreActivation and Delta.</summary>
    public IReadOnlyList<WorkspaceBuffer> Buffers { get; }

    public int Index => Spec.Index;

    public LayerKind Kind => Spec.Kind;

    public int InputSize => Spec.InputSize;

    public int OutputSize => Spec.OutputSize;

    /// <summary>Floats per sample of the layer's input in the standard storage (the previous layer's output rows).</summary>
    public int PaddedInputSize => Storage.Standard(Spec.Input).SampleStride;

    /// <summary>Floats per sample of the layer's outputs: the row stride of its output buffers (the output padded to 16 for a vector).</summary>
    public int PaddedOutputSize => OutputStorage.SampleStride;

    /// <summary>The rows expression of an element-wise step over <paramref name="samples"/> samples of the output storage: "count" or "count * 169".</summary>
    public string OutputRows(string samples) => OutputStorage.Positions == 1 ? samples : $"{samples} * {OutputStorage.Positions}";

    /// <summary>The tensor with this suffix (<c>weight</c>, <c>bias</c>, <c>running_mean</c>...), or null.</summary>
    public ParameterSlot? Slot(string suffix) => Slots.FirstOrDefault(s => s.Suffix == suffix);

    public IEnumerable<ParameterSlot> ParameterSlots => Slots.Where(s => !s.IsState);

    public IEnumerable<ParameterSlot> StateSlots => Slots.Where(s => s.IsState);

    /// <summary>Offset of the weight tensor, or -1.</summary>
    public int WeightOffset => Slot("weight")?.Offset ?? -1;

    /// <summary>Block length of the weight tensor (padding included), or 0.</summary>
    public int WeightLength => Slot("weight")?.Length ?? 0;

    /// <summary>Offset of the bias tensor, or -1.</summary>
    public int BiasOffset => Slot("bias")?.Offset ?? -1;

    /// <summary>Offset of the first state tensor in the state block, or -1.</summary>
    public int StateOffset => StateSlots.FirstOrDefault()?.Offset ?? -1;

    public bool HasBias => Slot("bias") is not null;

    /// <summary>Logical parameters (what PyTorch counts).</summary>
    public long ParameterCount => ParameterSlots.Sum(s => (long)s.Count);
}
