using System.Collections.Generic;

namespace StaticNN.Generator.Model.Layers;

/// <summary>
/// The settings of one layer kind, read from its attribute: one sealed record per kind derives from this. Record
/// equality includes the runtime type, so two layers of different kinds never compare equal and the pipeline's
/// cache stays exact.
/// </summary>
/// <remarks>Immutable; structural equality. Fields may only be primitives, strings, enums and other model records.</remarks>
internal abstract record LayerOptions
{
    /// <summary>The kind, as the runtime's <c>StaticNN.LayerKind</c> names it.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>The activation applied to the layer's outputs (Dense, convolutions, Activation layers); Identity otherwise.</summary>
    public virtual ActivationKind OutputActivation => ActivationKind.Identity;

    /// <summary>The activation's parameter (LeakyReLU slope, ELU scale); 0 when unused.</summary>
    public virtual float OutputAlpha => 0f;

    /// <summary>
    /// The layer's tensors as PyTorch names and shapes them (<c>weight</c> [out, in], <c>bias</c> [out], ...), in the
    /// order they are laid out. The planner places them; the weight files, the parameter access methods and the
    /// baked-weights binder all read them from there.
    /// </summary>
    public virtual IEnumerable<LayerTensor> Tensors(TensorShape input, TensorShape output)
    {
        yield break;
    }
}

/// <summary>One tensor of a layer: its PyTorch name suffix and shape, and whether it is trained.</summary>
/// <param name="Suffix">The <c>state_dict</c> suffix: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>.</param>
/// <param name="Shape">The PyTorch shape (for example [out, in] for a dense weight).</param>
/// <param name="IsState">A statistic kept outside the parameter block (not trained by the optimizer).</param>
internal sealed record LayerTensor(string Suffix, EquatableArray<int> Shape, bool IsState = false)
{
    public static LayerTensor Of(string suffix, params int[] shape) => new(suffix, new EquatableArray<int>(shape));

    public static LayerTensor StateOf(string suffix, params int[] shape) => new(suffix, new EquatableArray<int>(shape), IsState: true);

    /// <summary>Number of values.</summary>
    public long Count
    {
        get
        {
            long count = 1;
            foreach (int dimension in Shape)
            {
                count *= dimension;
            }
            return count;
        }
    }
}
