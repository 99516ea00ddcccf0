using System;

namespace StaticNN;

/// <summary>How a convolution or pooling window treats the border.</summary>
public enum Padding
{
    /// <summary>No padding: the window stays inside the input, so each side loses (kernel - 1) / 2 values.</summary>
    Valid = 0,

    /// <summary>
    /// Zero padding so that the output has ceil(input / stride) values per axis (Keras' <c>padding="same"</c>; with stride
    /// 1, PyTorch's <c>padding="same"</c>). When the total padding is odd, the extra row or column goes at the bottom or
    /// right, as both frameworks do.
    /// </summary>
    Same = 1,
}

/// <summary>
/// A 2-D convolution over (channels, height, width) inputs: Filters kernels of
/// kernelHeight x kernelWidth x channels, PyTorch's <c>nn.Conv2d</c> (weight [filters, channels, kh, kw], bias
/// [filters]). The output is (filters, outHeight, outWidth).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>A square kernel.</summary>
    /// <param name="filters">Output channels, at least 1.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="activation">Activation applied to the outputs.</param>
    public Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity)
        : this(filters, kernelSize, kernelSize, activation)
    {
    }

    /// <summary>A kernel of <paramref name="kernelHeight"/> x <paramref name="kernelWidth"/>.</summary>
    /// <param name="filters">Output channels, at least 1.</param>
    /// <param name="kernelHeight">Kernel rows.</param>
    /// <param name="kernelWidth">Kernel columns.</param>
    /// <param name="activation">Activation applied to the outputs.</param>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth, Activation activation = Activation.Identity)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Activation applied to the outputs.</summary>
    public Activation Activation { get; }

    /// <summary>Step of the window along both axes. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Valid (default) or Same.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>Whether the layer has a bias per filter. Defaults to true.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>LeakyReLU slope or ELU scale; NaN means the activation's default.</summary>
    public float Alpha { get; set; } = float.NaN;

    /// <summary>L2 penalty on the kernel weights (bias excluded): adds <c>L2 * sum(w^2)</c> to the loss. Default 0.</summary>
    public float L2 { get; set; }
}

/// <summary>
/// A 1-D convolution over (channels, length) inputs, PyTorch's <c>nn.Conv1d</c> (weight [filters, channels, kernel],
/// bias [filters]). The output is (filters, outLength).
/// </summary>
/// <param name="filters">Output channels, at least 1.</param>
/// <param name="kernelSize">Kernel length.</param>
/// <param name="activation">Activation applied to the outputs.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity) : Attribute
{
    /// <summary>Output channels.</summary>
    public int Filters { get; } = filters;

    /// <summary>Kernel length.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Activation applied to the outputs.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Step of the window. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Valid (default) or Same.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>Whether the layer has a bias per filter. Defaults to true.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>LeakyReLU slope or ELU scale; NaN means the activation's default.</summary>
    public float Alpha { get; set; } = float.NaN;

    /// <summary>L2 penalty on the kernel weights (bias excluded). Default 0.</summary>
    public float L2 { get; set; }
}

/// <summary>Max pooling over (channels, height, width): the largest value of each window, per channel (PyTorch <c>nn.MaxPool2d</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>A square window.</summary>
    /// <param name="poolSize">Window height and width.</param>
    public MaxPool2DAttribute(int poolSize) : this(poolSize, poolSize)
    {
    }

    /// <summary>A window of <paramref name="poolHeight"/> x <paramref name="poolWidth"/>.</summary>
    /// <param name="poolHeight">Window rows.</param>
    /// <param name="poolWidth">Window columns.</param>
    public MaxPool2DAttribute(int poolHeight, int poolWidth)
    {
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
    }

    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }

    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }

    /// <summary>Step of the window along both axes; 0 (the default) means the window size, as in Keras and PyTorch.</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling over (channels, height, width): the mean of each window, per channel (PyTorch <c>nn.AvgPool2d</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>A square window.</summary>
    /// <param name="poolSize">Window height and width.</param>
    public AvgPool2DAttribute(int poolSize) : this(poolSize, poolSize)
    {
    }

    /// <summary>A window of <paramref name="poolHeight"/> x <paramref name="poolWidth"/>.</summary>
    /// <param name="poolHeight">Window rows.</param>
    /// <param name="poolWidth">Window columns.</param>
    public AvgPool2DAttribute(int poolHeight, int poolWidth)
    {
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
    }

    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }

    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }

    /// <summary>Step of the window along both axes; 0 (the default) means the window size.</summary>
    public int Stride { get; set; }
}

/// <summary>Max pooling over (channels, length) (PyTorch <c>nn.MaxPool1d</c>).</summary>
/// <param name="poolSize">Window length.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool1DAttribute(int poolSize) : Attribute
{
    /// <summary>Window length.</summary>
    public int PoolSize { get; } = poolSize;

    /// <summary>Step of the window; 0 (the default) means the window size.</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling over (channels, length) (PyTorch <c>nn.AvgPool1d</c>).</summary>
/// <param name="poolSize">Window length.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool1DAttribute(int poolSize) : Attribute
{
    /// <summary>Window length.</summary>
    public int PoolSize { get; } = poolSize;

    /// <summary>Step of the window; 0 (the default) means the window size.</summary>
    public int Stride { get; set; }
}

/// <summary>The mean of each channel over all positions: (channels, height, width) to (channels) (PyTorch <c>nn.AdaptiveAvgPool2d(1)</c> then flatten).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePool2DAttribute : Attribute;

/// <summary>The mean of each channel over the length: (channels, length) to (channels).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePool1DAttribute : Attribute;

/// <summary>
/// Flattens a multi-dimensional sample into a vector in PyTorch's order (channel, then row, then column), as
/// <c>nn.Flatten</c> does; a layer such as Dense needs a vector. On a vector it does nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute;
