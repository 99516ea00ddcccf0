using System.Collections.Generic;
using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>The kernels of one dense layer, as <see cref="GemmShape"/>s, and how the network calls them.</summary>
internal static class DenseEmitter
{
    /// <summary>Inference forward: out = act(in * W^T + b); Softmax is applied by the caller, over the real outputs only.</summary>
    public static GemmShape Forward(LayerPlan layer) => new(
        $"Layer{layer.Index}Forward",
        $"Layer {layer.Index} forward: c[m][0..{layer.PaddedOutputSize}) = {ActivationText(layer.Spec.Activation)}(a[m] * W{layer.Index}^T{(layer.Spec.HasBias ? $" + b{layer.Index}" : "")}), a[m] has {layer.InputSize} values.",
        layer.PaddedOutputSize, layer.PaddedOutputSize, layer.PaddedOutputSize, layer.InputStride, 1,
        Rows: null, Reduction: layer.InputSize, layer.Spec.HasBias, StorePreActivation: false, layer.Spec.Activation, layer.Spec.Alpha);

    /// <summary>Training forward that also keeps the pre-activation z, for activations whose derivative needs it.</summary>
    public static GemmShape ForwardKeepingPreActivation(LayerPlan layer) => Forward(layer) with
    {
        Name = $"Layer{layer.Index}ForwardTraining",
        Summary = $"Layer {layer.Index} training forward: z[m] = a[m] * W{layer.Index}^T{(layer.Spec.HasBias ? $" + b{layer.Index}" : "")}, c[m] = {ActivationText(layer.Spec.Activation)}(z[m]).",
        StorePreActivation = true,
    };

    /// <summary>Training forward of a last layer whose loss is fused with its activation: writes the logits.</summary>
    public static GemmShape ForwardLogits(LayerPlan layer) => Forward(layer) with
    {
        Name = $"Layer{layer.Index}ForwardLogits",
        Summary = $"Layer {layer.Index} logits (the loss applies {layer.Spec.Activation} itself): c[m] = a[m] * W{layer.Index}^T{(layer.Spec.HasBias ? $" + b{layer.Index}" : "")}.",
        Activation = ActivationKind.Identity,
    };

    /// <summary>dL/dW^T[i][o] = sum_m a[m][i] * delta[m][o]: rows are the layer's inputs, the batch is the reduction.</summary>
    public static GemmShape WeightGradient(LayerPlan layer) => new(
        $"Layer{layer.Index}WeightGradient",
        $"Layer {layer.Index} weight gradient: c[i][0..{layer.PaddedOutputSize}) = sum over samples m of a[m][i] * delta{layer.Index}[m], for the {layer.InputSize} inputs i.",
        layer.PaddedOutputSize, layer.PaddedOutputSize, layer.PaddedOutputSize, 1, layer.InputStride,
        Rows: layer.InputSize, Reduction: null, HasBias: false, StorePreActivation: false, ActivationKind.Identity, 0f);

    /// <summary>dL/da[m][0..in) = sum_o delta[m][o] * W[o][0..in), with W the out-major copy of the weights.</summary>
    public static GemmShape InputGradient(LayerPlan layer) => new(
        $"Layer{layer.Index}InputGradient",
        $"Layer {layer.Index} input gradient: c[m][0..{layer.PaddedInputSize}) = delta{layer.Index}[m] * W{layer.Index}, over its {layer.OutputSize} outputs.",
        layer.PaddedInputSize, layer.PaddedInputSize, layer.PaddedInputSize, layer.PaddedOutputSize, 1,
        Rows: null, Reduction: layer.OutputSize, HasBias: false, StorePreActivation: false, ActivationKind.Identity, 0f);

    /// <summary>The kernel the training forward pass calls for this layer.</summary>
    public static GemmShape TrainingForward(LayerPlan layer) =>
        layer.LossIsFused && layer.Spec.Activation != ActivationKind.Softmax ? ForwardLogits(layer)
        : layer.KeepsPreActivation ? ForwardKeepingPreActivation(layer)
        : Forward(layer);

    /// <summary>Every kernel the layer needs, each once.</summary>
    public static IEnumerable<GemmShape> AllKernels(LayerPlan layer)
    {
        GemmShape forward = Forward(layer);
        yield return forward;
        GemmShape training = TrainingForward(layer);
        if (training.Name != forward.Name)
        {
            yield return training;
        }
        yield return WeightGradient(layer);
        if (layer.Index > 0)
        {
            yield return InputGradient(layer);
        }
    }

    private static string ActivationText(ActivationKind activation) =>
        activation is ActivationKind.Softmax or ActivationKind.Identity ? "" : activation.ToString();
}
