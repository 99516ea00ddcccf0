using System.Collections.Generic;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Planning;

/// <summary>Memory layout of one dense layer inside the parameter block, and its training needs.</summary>
internal sealed record LayerPlan(
    LayerSpec Spec,
    int PaddedInputSize,
    int PaddedOutputSize,
    int InputStride,
    int WeightOffset,
    int BiasOffset,
    bool IsLast,
    bool KeepsPreActivation,
    bool LossIsFused)
{
    public int Index => Spec.Index;
    public int InputSize => Spec.InputSize;
    public int OutputSize => Spec.OutputSize;
    public int WeightLength => InputSize * PaddedOutputSize;
    public int ParameterCount => InputSize * OutputSize + (Spec.HasBias ? OutputSize : 0);

    /// <summary>The activation the kernels apply in training (fused losses read pre-activation logits).</summary>
    public ActivationKind TrainingActivation => LossIsFused ? ActivationKind.Identity : Spec.Activation;
}

/// <summary>The whole network's layout: per-layer offsets, block length, widths.</summary>
internal sealed record NetworkPlan(NetworkSpec Spec, IReadOnlyList<LayerPlan> Layers, int ParameterBlockLength, long ParameterCount, int MaxPaddedWidth)
{
    /// <summary>Everything is padded to 16 floats (64 bytes): one zmm, two ymm, four xmm registers.</summary>
    public const int Padding = 16;

    public LayerPlan Last => Layers[Layers.Count - 1];

    public static int Pad(int size) => (size + Padding - 1) / Padding * Padding;

    public static NetworkPlan Create(NetworkSpec spec)
    {
        var layers = new List<LayerPlan>();
        int offset = 0;
        long parameters = 0;
        int maxWidth = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            bool isLast = i == spec.Layers.Count - 1;
            int paddedOut = Pad(layer.OutputSize);
            int weightOffset = offset;
            offset += layer.InputSize * paddedOut;
            int biasOffset = offset;
            if (layer.HasBias)
            {
                offset += paddedOut;
            }
            bool fused = isLast && IsFused(spec.Loss, layer.Activation);
            bool keepsZ = !fused && NeedsPreActivation(layer.Activation);
            layers.Add(new LayerPlan(layer, Pad(layer.InputSize), paddedOut, i == 0 ? layer.InputSize : Pad(layer.InputSize),
                weightOffset, biasOffset, isLast, keepsZ, fused));
            parameters += (long)layer.InputSize * layer.OutputSize + (layer.HasBias ? layer.OutputSize : 0);
            if (paddedOut > maxWidth)
            {
                maxWidth = paddedOut;
            }
        }
        return new NetworkPlan(spec, layers, offset, parameters, maxWidth);
    }

    /// <summary>Softmax+CrossEntropy and Sigmoid+BinaryCrossEntropy have the fused gradient p - t.</summary>
    public static bool IsFused(LossKind loss, ActivationKind last) =>
        (loss == LossKind.CrossEntropy && last == ActivationKind.Softmax)
        || (loss == LossKind.BinaryCrossEntropy && last == ActivationKind.Sigmoid);

    /// <summary>Activations whose derivative is computed from the pre-activation z rather than the output.</summary>
    public static bool NeedsPreActivation(ActivationKind activation) =>
        activation is ActivationKind.LeakyReLU or ActivationKind.ELU or ActivationKind.GELU or ActivationKind.SiLU or ActivationKind.Softplus;
}
