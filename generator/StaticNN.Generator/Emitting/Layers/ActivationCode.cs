using StaticNN.Generator.Model;
using StaticNN.Generator.Planning;
using static StaticNN.Generator.Emitting.EmitterText;

namespace StaticNN.Generator.Emitting.Layers;

/// <summary>Code shared by the kinds that apply an activation to their outputs.</summary>
internal static class ActivationCode
{
    /// <summary>In-place dL/dz = dL/da * f'(z or a) on a layer's delta rows.</summary>
    public static void EmitBackward(SourceWriter w, LayerPlan layer, string delta, string z, string a, bool keepsZ)
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

    /// <summary>" (alpha 0.1f)" for the activations with a parameter, else "".</summary>
    public static string AlphaText(LayerSpec s) =>
        s.Activation is ActivationKind.LeakyReLU or ActivationKind.ELU ? $" (alpha {VectorFlavor.FloatLiteral(s.Alpha)})" : "";

    /// <summary>The He initialisation suits the ReLU family; Glorot the others.</summary>
    public static bool UsesHeInitialization(ActivationKind activation) =>
        activation is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.ELU
            or ActivationKind.GELU or ActivationKind.SiLU or ActivationKind.Softplus;
}
