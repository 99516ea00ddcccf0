using System.Collections.Generic;
using System.Globalization;

namespace StaticNN;

/// <summary>
/// One tensor of a compiled network as PyTorch names and shapes it: layer <see cref="Layer"/>'s <see cref="Suffix"/>
/// (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>) of shape <see cref="Shape"/>. The generated
/// <c>Tensors</c> table lists them in layer order; <c>GetTensor</c> and <c>SetTensor</c> copy their values in this
/// logical layout (row-major), whatever layout the kernels use inside.
/// </summary>
public sealed class TensorInfo
{
    private readonly int[] _shape;

    /// <summary>Describes one tensor (generated code creates these).</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="suffix">The <c>state_dict</c> suffix.</param>
    /// <param name="isRunningStatistic">Whether it is a running statistic (state, not trained) rather than a parameter.</param>
    /// <param name="shape">The PyTorch shape.</param>
    public TensorInfo(int layer, string suffix, bool isRunningStatistic, params int[] shape)
    {
        Layer = layer;
        Suffix = suffix;
        IsRunningStatistic = isRunningStatistic;
        _shape = shape;
        int count = 1;
        foreach (int dimension in shape)
        {
            count *= dimension;
        }
        Count = count;
    }

    /// <summary>The layer the tensor belongs to.</summary>
    public int Layer { get; }

    /// <summary>The <c>state_dict</c> suffix: <c>weight</c>, <c>bias</c>, <c>running_mean</c> or <c>running_var</c>.</summary>
    public string Suffix { get; }

    /// <summary>True for BatchNorm's running statistics (kept outside <c>Parameters</c>, not trained by the optimizer).</summary>
    public bool IsRunningStatistic { get; }

    /// <summary>The PyTorch shape, e.g. [out, in] for a dense weight or [out, in, kh, kw] for a convolution's.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of values.</summary>
    public int Count { get; }

    /// <summary>The canonical name: <c>layers.{Layer}.{Suffix}</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"layers.{Layer}.{Suffix}");

    /// <inheritdoc />
    public override string ToString() => $"{Name} {FormatShape(_shape)}";

    internal long[] ShapeAsInt64()
    {
        var shape = new long[_shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = _shape[i];
        }
        return shape;
    }

    private static string FormatShape(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
