using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;

namespace StaticNN.Generator.Planning;

/// <summary>How a tensor's values are laid out in the parameter (or state) block.</summary>
internal enum SlotLayout
{
    /// <summary>[n] as it is, padded with zeros to 16 floats.</summary>
    Vector,

    /// <summary>PyTorch's [out, in] stored input-major, [in][out padded to 16]: the dense kernels' W^T.</summary>
    TransposedMatrix,

    /// <summary>PyTorch's [filters, channels, kh, kw] (or [filters, channels, k]) stored [kh][kw][channels][filters padded to 16].</summary>
    ConvolutionKernel,
}

/// <summary>
/// One tensor of one layer, placed: its PyTorch name and shape, its layout in the block and where it is. Everything that
/// reads or writes a layer's tensors (initialisation, Get/SetLayerParameters, weight files, baked weights, L2) goes
/// through these, so a tensor is defined once: by its layer kind's options and emitter.
/// </summary>
/// <param name="Layer">The layer index.</param>
/// <param name="Tensor">Name suffix, PyTorch shape and whether it is state.</param>
/// <param name="Layout">How the values are stored.</param>
/// <param name="Offset">Where the values start in the parameter block (or the state block for state).</param>
/// <param name="Length">Floats the slot takes in the block, padding included.</param>
/// <param name="KernelName">How comments name it, e.g. <c>W1^T[128x16]</c> or <c>scale[64]</c>.</param>
/// <param name="L2">Weight penalty applied to this tensor; 0 for none.</param>
internal sealed record ParameterSlot(int Layer, LayerTensor Tensor, SlotLayout Layout, int Offset, int Length, string KernelName, float L2)
{
    public string Suffix => Tensor.Suffix;

    public bool IsState => Tensor.IsState;

    /// <summary>Logical values (the PyTorch tensor's element count).</summary>
    public int Count => (int)Tensor.Count;

    public EquatableArray<int> Shape => Tensor.Shape;

    /// <summary>A convolution weight's filters, channels and window (kh, kw), from its PyTorch shape.</summary>
    public static (int Filters, int Channels, int KernelHeight, int KernelWidth, int Window) KernelGeometry(EquatableArray<int> shape)
    {
        int kh = shape.Count == 4 ? shape[2] : 1, kw = shape[shape.Count - 1];
        return (shape[0], shape[1], kh, kw, kh * kw);
    }

    /// <summary>The padded length of a tensor of <paramref name="shape"/> in <paramref name="layout"/>.</summary>
    public static int LengthOf(SlotLayout layout, EquatableArray<int> shape) => layout switch
    {
        SlotLayout.TransposedMatrix => shape[1] * NetworkPlan.Pad(shape[0]),
        SlotLayout.ConvolutionKernel => KernelGeometry(shape).Window * shape[1] * NetworkPlan.Pad(shape[0]),
        _ => NetworkPlan.Pad(shape[0]),
    };
}

/// <summary>How a layer kind wants one of its tensors stored (the planner assigns the offset).</summary>
/// <param name="Layout">The layout.</param>
/// <param name="KernelName">How comments name it (the planner appends nothing).</param>
/// <param name="L2">Weight penalty; 0 for none.</param>
internal readonly record struct SlotRequest(SlotLayout Layout, string KernelName, float L2 = 0f);
