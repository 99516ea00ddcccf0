using System;

namespace StaticNN;

/// <summary>A fully connected layer: y = activation(W x + b), with W of shape [units, inputs].</summary>
/// <param name="units">Number of outputs, at least 1.</param>
/// <param name="activation">Activation applied to the outputs.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.Identity) : Attribute
{
    /// <summary>Number of outputs.</summary>
    public int Units { get; } = units;

    /// <summary>Activation applied to the outputs.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Whether the layer has a bias vector. Defaults to true.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>
    /// Slope for <see cref="Activation.LeakyReLU"/> (default 0.01) or scale for <see cref="Activation.ELU"/>
    /// (default 1). NaN means "the activation's default".
    /// </summary>
    public float Alpha { get; set; } = float.NaN;

    /// <summary>
    /// L2 penalty on the weights (biases excluded, as in Keras): adds <c>L2 * sum(w^2)</c> to the loss and
    /// <c>2 * L2 * w</c> to the gradient. Default 0.
    /// </summary>
    public float L2 { get; set; }
}
