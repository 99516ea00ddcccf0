using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Emitting.Layers;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Planning;

/// <summary>
/// The whole network's layout, decided before anything is written: per layer its tensors (offset, length, layout),
/// its workspace buffers and its routing flags; the block lengths. Emitters only print what the plan says.
/// </summary>
internal sealed class NetworkPlan
{
    /// <summary>Everything is padded to 16 floats (64 bytes): one zmm, two ymm, four xmm registers.</summary>
    public const int Padding = 16;

    private NetworkPlan(NetworkSpec spec, IReadOnlyList<LayerPlan> layers, int parameterBlockLength, int stateBlockLength, bool needsPaddedInput)
    {
        Spec = spec;
        Layers = layers;
        ParameterBlockLength = parameterBlockLength;
        StateBlockLength = stateBlockLength;
        NeedsPaddedInput = needsPaddedInput;
    }

    public NetworkSpec Spec { get; }

    public IReadOnlyList<LayerPlan> Layers { get; }

    public int ParameterBlockLength { get; }

    public int StateBlockLength { get; }

    /// <summary>The user's rows are copied into padded rows before the first layer (which cannot read them as they are).</summary>
    public bool NeedsPaddedInput { get; }

    public LayerPlan Last => Layers[Layers.Count - 1];

    public long ParameterCount => Layers.Sum(l => l.ParameterCount);

    /// <summary>Floats per sample of the padded copy of the input (when <see cref="NeedsPaddedInput"/>).</summary>
    public int PaddedInputSize => Storage.Standard(Spec.Input).SampleStride;

    /// <summary>Sum of the padded widths of every layer's output (Predict keeps each on the stack).</summary>
    public int TotalPaddedWidth => Layers.Sum(l => l.PaddedOutputSize + l.Emitter.InferenceScratch(l).Sum(s => s.Floats)) + (NeedsPaddedInput ? PaddedInputSize : 0);

    /// <summary>Floats of stack scratch Predict needs: every layer's output, extra scratch and the padded input.</summary>
    public int PredictScratchFloats => Layers.Sum(l => (l.Emitter.IsIdentityInInference ? 0 : l.PaddedOutputSize) + l.Emitter.InferenceScratch(l).Sum(s => s.Floats))
        + (NeedsPaddedInput ? PaddedInputSize : 0);

    /// <summary>Some layer draws random numbers in training (dropout masks).</summary>
    public bool UsesTrainingRandom => Layers.Any(l => l.Emitter.UsesTrainingRandom);

    /// <summary>Some layer behaves differently in training and inference (dropout, batch statistics).</summary>
    public bool HasTrainingMode => Layers.Any(l => l.Emitter.HasTrainingMode);

    public IEnumerable<ParameterSlot> Slots => Layers.SelectMany(l => l.Slots);

    public static int Pad(int size) => (size + Padding - 1) / Padding * Padding;

    public static NetworkPlan Create(NetworkSpec spec)
    {
        LayerEmitter first = LayerEmitters.For(spec.Layers[0].Kind);
        Storage userRows = Storage.UserRows(spec.Input);
        bool paddedInput = !first.CanReadUserRows(spec.Layers[0], userRows) || spec.Layers.Any(l => LayerEmitters.For(l.Kind).ExtraSource(l) == -1);
        var layers = new List<LayerPlan>();
        int offset = 0, state = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LayerEmitter emitter = LayerEmitters.For(layer.Kind);
            bool isLast = i == spec.Layers.Count - 1;
            var slots = new List<ParameterSlot>();
            foreach (bool stateTensors in new[] { false, true })
            {
                foreach (LayerTensor tensor in layer.Options.Tensors(layer.Input, layer.Output).Where(t => t.IsState == stateTensors))
                {
                    SlotRequest request = emitter.Place(layer, tensor);
                    int length = ParameterSlot.LengthOf(request.Layout, tensor.Shape);
                    slots.Add(new ParameterSlot(i, tensor, request.Layout, stateTensors ? state : offset, length, request.KernelName, request.L2));
                    if (stateTensors)
                    {
                        state += length;
                    }
                    else
                    {
                        offset += length;
                    }
                }
            }
            bool fused = isLast && emitter.CanFuseLoss && IsFused(spec.Loss, layer.Activation);
            bool keepsZ = emitter.KeepsPreActivation(layer, fused);
            Storage input = i == 0 && !paddedInput ? userRows : Storage.Standard(layer.Input);
            var plan = new LayerPlan(layer, emitter, input, slots, isLast, keepsZ, fused, new List<WorkspaceBuffer>());
            layers.Add(new LayerPlan(layer, emitter, input, slots, isLast, keepsZ, fused, emitter.Buffers(plan).ToList()));
        }
        return new NetworkPlan(spec, layers, offset, state, paddedInput);
    }

    /// <summary>Softmax+CrossEntropy and Sigmoid+BinaryCrossEntropy have the fused gradient p - t.</summary>
    public static bool IsFused(LossKind loss, ActivationKind last) =>
        (loss == LossKind.CrossEntropy && last == ActivationKind.Softmax)
        || (loss == LossKind.BinaryCrossEntropy && last == ActivationKind.Sigmoid);

    /// <summary>Activations whose derivative is computed from the pre-activation z rather than the output.</summary>
    public static bool NeedsPreActivation(ActivationKind activation) =>
        activation is ActivationKind.LeakyReLU or ActivationKind.ELU or ActivationKind.GELU or ActivationKind.SiLU or ActivationKind.Softplus;
}
