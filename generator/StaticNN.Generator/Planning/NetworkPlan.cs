using System.Collections.Generic;
using System.Linq;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Planning;

/// <summary>Memory layout of one layer inside the parameter (and state) block, and its training needs.</summary>
/// <param name="Spec">The declared layer.</param>
/// <param name="PaddedInputSize">Input size padded to 16.</param>
/// <param name="PaddedOutputSize">Output size padded to 16: the row stride of the layer's output buffers.</param>
/// <param name="InputStride">Row stride of the buffer the layer reads (the user's unpadded rows for a first Dense layer).</param>
/// <param name="WeightOffset">Dense: W^T[in][out padded]; normalization: the scale; -1 without parameters.</param>
/// <param name="BiasOffset">Dense bias or normalization shift; -1 without.</param>
/// <param name="StateOffset">BatchNorm: running mean, then running variance, in the state block; -1 otherwise.</param>
/// <param name="IsLast">Whether this is the output layer.</param>
/// <param name="KeepsPreActivation">Dense training forward also stores z (the activation's derivative needs it).</param>
/// <param name="LossIsFused">The loss reads this last layer's logits and applies its activation itself (p - t).</param>
internal sealed record LayerPlan(
    LayerSpec Spec,
    int PaddedInputSize,
    int PaddedOutputSize,
    int InputStride,
    int WeightOffset,
    int BiasOffset,
    int StateOffset,
    bool IsLast,
    bool KeepsPreActivation,
    bool LossIsFused)
{
    public int Index => Spec.Index;
    public LayerKind Kind => Spec.Kind;
    public int InputSize => Spec.InputSize;
    public int OutputSize => Spec.OutputSize;
    public int WeightLength => Kind == LayerKind.Dense ? InputSize * PaddedOutputSize : PaddedOutputSize;
    public bool IsDense => Kind == LayerKind.Dense;
    public bool IsNormalization => Kind is LayerKind.BatchNorm or LayerKind.LayerNorm;
    public bool HasActivation => Kind is LayerKind.Dense or LayerKind.Activation;

    public int ParameterCount => Kind switch
    {
        LayerKind.Dense => InputSize * OutputSize + (Spec.HasBias ? OutputSize : 0),
        LayerKind.BatchNorm or LayerKind.LayerNorm => 2 * OutputSize,
        _ => 0,
    };
}

/// <summary>The whole network's layout: per-layer offsets, block lengths, widths.</summary>
internal sealed record NetworkPlan(
    NetworkSpec Spec,
    IReadOnlyList<LayerPlan> Layers,
    int ParameterBlockLength,
    int StateBlockLength,
    long ParameterCount,
    bool NeedsPaddedInput)
{
    /// <summary>Everything is padded to 16 floats (64 bytes): one zmm, two ymm, four xmm registers.</summary>
    public const int Padding = 16;

    public LayerPlan Last => Layers[Layers.Count - 1];

    public int PaddedInputSize => Pad(Spec.InputSize);

    /// <summary>Sum of the padded widths of every layer's output (Predict keeps each on the stack).</summary>
    public int TotalPaddedWidth => Layers.Sum(l => l.PaddedOutputSize) + (NeedsPaddedInput ? PaddedInputSize : 0);

    public bool HasDropout => Layers.Any(l => l.Kind == LayerKind.Dropout);

    public static int Pad(int size) => (size + Padding - 1) / Padding * Padding;

    public static NetworkPlan Create(NetworkSpec spec)
    {
        // Layers other than Dense read and write padded rows; the user's rows are copied into a padded buffer first
        // when the first layer is not Dense or a residual block starts at the input.
        bool paddedInput = spec.Layers[0].Kind != LayerKind.Dense || spec.Layers.Any(l => l.Kind == LayerKind.Residual && l.ResidualSource == -1);
        var layers = new List<LayerPlan>();
        int offset = 0, state = 0;
        long parameters = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            bool isLast = i == spec.Layers.Count - 1;
            int paddedOut = Pad(layer.OutputSize);
            int weightOffset = -1, biasOffset = -1, stateOffset = -1;
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    weightOffset = offset;
                    offset += layer.InputSize * paddedOut;
                    if (layer.HasBias)
                    {
                        biasOffset = offset;
                        offset += paddedOut;
                    }
                    break;
                case LayerKind.BatchNorm:
                case LayerKind.LayerNorm:
                    weightOffset = offset;
                    biasOffset = offset + paddedOut;
                    offset += 2 * paddedOut;
                    if (layer.Kind == LayerKind.BatchNorm)
                    {
                        stateOffset = state;
                        state += 2 * paddedOut;
                    }
                    break;
            }
            bool fused = isLast && layer.Kind is LayerKind.Dense or LayerKind.Activation && IsFused(spec.Loss, layer.Activation);
            bool keepsZ = layer.Kind == LayerKind.Dense && !fused && NeedsPreActivation(layer.Activation);
            int inputStride = i == 0 && !paddedInput ? layer.InputSize : Pad(layer.InputSize);
            var plan = new LayerPlan(layer, Pad(layer.InputSize), paddedOut, inputStride, weightOffset, biasOffset, stateOffset, isLast, keepsZ, fused);
            layers.Add(plan);
            parameters += plan.ParameterCount;
        }
        return new NetworkPlan(spec, layers, offset, state, parameters, paddedInput);
    }

    /// <summary>Softmax+CrossEntropy and Sigmoid+BinaryCrossEntropy have the fused gradient p - t.</summary>
    public static bool IsFused(LossKind loss, ActivationKind last) =>
        (loss == LossKind.CrossEntropy && last == ActivationKind.Softmax)
        || (loss == LossKind.BinaryCrossEntropy && last == ActivationKind.Sigmoid);

    /// <summary>Activations whose derivative is computed from the pre-activation z rather than the output.</summary>
    public static bool NeedsPreActivation(ActivationKind activation) =>
        activation is ActivationKind.LeakyReLU or ActivationKind.ELU or ActivationKind.GELU or ActivationKind.SiLU or ActivationKind.Softplus;
}
