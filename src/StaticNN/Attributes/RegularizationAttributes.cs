using System;

namespace StaticNN;

/// <summary>
/// Inverted dropout: in training (ComputeGradients, Fit) each value is zeroed with probability <see cref="Rate"/> and the
/// kept ones are scaled by 1 / (1 - rate); in inference (Predict, ComputeLoss, Evaluate) the layer is the identity.
/// The random stream is seeded by the network's constructor seed.
/// </summary>
/// <param name="rate">Fraction of values dropped, in [0, 1).</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(float rate) : Attribute
{
    /// <summary>Fraction of values dropped in training.</summary>
    public float Rate { get; } = rate;
}

/// <summary>
/// Batch normalization (Keras defaults): in training, each feature is normalised with the batch's mean and (biased)
/// variance and the running statistics are updated; in inference the running statistics are used. Learnable scale
/// (<c>weight</c>, starts at 1) and shift (<c>bias</c>, starts at 0).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>running = Momentum * running + (1 - Momentum) * batch statistic. Default 0.99, in [0, 1).</summary>
    public float Momentum { get; set; } = 0.99f;

    /// <summary>Added to the variance before the square root. Default 1e-3 (Keras).</summary>
    public float Epsilon { get; set; } = 1e-3f;
}

/// <summary>
/// Layer normalization: each sample is normalised over its features (same in training and inference), with learnable
/// scale (starts at 1) and shift (starts at 0).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : Attribute
{
    /// <summary>Added to the variance before the square root. Default 1e-3 (Keras).</summary>
    public float Epsilon { get; set; } = 1e-3f;
}

/// <summary>An activation as a layer of its own, for networks written as Dense(..., Identity) followed by an activation.</summary>
/// <param name="activation">The activation; Softmax only as the last layer.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ActivationAttribute(Activation activation) : Attribute
{
    /// <summary>The activation applied element-wise.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>LeakyReLU slope or ELU scale; NaN means the activation's default.</summary>
    public float Alpha { get; set; } = float.NaN;
}

/// <summary>
/// Starts a residual block: the layers up to the matching <see cref="ResidualEndAttribute"/> compute f(x), and the block's
/// output is x + f(x), where x is the block's input. The block must end with the size it started with. Blocks may nest.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualBeginAttribute : Attribute;

/// <summary>Ends the innermost open residual block: adds the block's input to the output of its last layer.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualEndAttribute : Attribute;
