namespace StaticNN;

/// <summary>Kind of a compiled layer.</summary>
public enum LayerKind
{
    /// <summary>Fully connected layer (<see cref="DenseAttribute"/>): weight [out, in], bias [out].</summary>
    Dense = 0,
    /// <summary>Inverted dropout (<see cref="DropoutAttribute"/>); no parameters.</summary>
    Dropout = 1,
    /// <summary>Batch normalization (<see cref="BatchNormAttribute"/>): weight (scale) and bias (shift) [size], running statistics.</summary>
    BatchNorm = 2,
    /// <summary>Layer normalization (<see cref="LayerNormAttribute"/>): weight (scale) and bias (shift) [size].</summary>
    LayerNorm = 3,
    /// <summary>An activation layer (<see cref="ActivationAttribute"/>); no parameters.</summary>
    Activation = 4,
    /// <summary>The end of a residual block: adds the block's input; no parameters.</summary>
    Residual = 5,
    /// <summary>2-D convolution (<see cref="Conv2DAttribute"/>): weight [filters, channels, kh, kw], bias [filters].</summary>
    Conv2D = 6,
    /// <summary>1-D convolution (<see cref="Conv1DAttribute"/>): weight [filters, channels, kernel], bias [filters].</summary>
    Conv1D = 7,
    /// <summary>2-D max pooling (<see cref="MaxPool2DAttribute"/>); no parameters.</summary>
    MaxPool2D = 8,
    /// <summary>2-D average pooling (<see cref="AvgPool2DAttribute"/>); no parameters.</summary>
    AvgPool2D = 9,
    /// <summary>Global average pooling over height and width (<see cref="GlobalAveragePool2DAttribute"/>); no parameters.</summary>
    GlobalAveragePool2D = 10,
    /// <summary>Flatten to a vector (<see cref="FlattenAttribute"/>); no parameters.</summary>
    Flatten = 11,
    /// <summary>1-D max pooling (<see cref="MaxPool1DAttribute"/>); no parameters.</summary>
    MaxPool1D = 12,
    /// <summary>1-D average pooling (<see cref="AvgPool1DAttribute"/>); no parameters.</summary>
    AvgPool1D = 13,
    /// <summary>Global average pooling over the length (<see cref="GlobalAveragePool1DAttribute"/>); no parameters.</summary>
    GlobalAveragePool1D = 14,
}

/// <summary>Shape and settings of one compiled layer, in the logical (PyTorch) layout.</summary>
/// <param name="Kind">The layer kind.</param>
/// <param name="InputSize">Number of inputs.</param>
/// <param name="OutputSize">Number of outputs.</param>
/// <param name="HasBias">Whether the layer has a bias of <paramref name="OutputSize"/> values.</param>
/// <param name="Activation">The activation applied to the outputs.</param>
/// <param name="Alpha">The activation's parameter (LeakyReLU slope, ELU scale); 0 when unused.</param>
public readonly record struct LayerInfo(LayerKind Kind, int InputSize, int OutputSize, bool HasBias, Activation Activation, float Alpha)
{
    /// <summary>Number of weights: out x in for Dense, the size for normalization layers (the scale), else 0.</summary>
    public int WeightCount { get; init; }

    /// <summary>Number of bias values: the output size for Dense with a bias and for normalization layers (the shift), else 0.</summary>
    public int BiasCount { get; init; }

    /// <summary>The shape of one sample coming in.</summary>
    public TensorShape InputShape { get; init; }

    /// <summary>The shape of one sample going out.</summary>
    public TensorShape OutputShape { get; init; }

    /// <summary>Dropout rate (0 for other kinds).</summary>
    public float Rate { get; init; }

    /// <summary>BatchNorm running-statistics momentum (0 for other kinds).</summary>
    public float Momentum { get; init; }

    /// <summary>Normalization epsilon (0 for other kinds).</summary>
    public float Epsilon { get; init; }

    /// <summary>Dense L2 weight penalty (0 when none).</summary>
    public float L2 { get; init; }

    /// <summary>For a Residual layer, the layer whose output it adds (-1: the network input); -2 for other kinds.</summary>
    public int ResidualSource { get; init; } = -2;

    /// <summary>Convolution and pooling: window rows (1 for the 1-D kinds); 0 for other kinds.</summary>
    public int KernelHeight { get; init; }

    /// <summary>Convolution and pooling: window columns (the kernel or pool length for the 1-D kinds); 0 for other kinds.</summary>
    public int KernelWidth { get; init; }

    /// <summary>Convolution and pooling: the window's step along the columns (the length, for 1-D kinds); 0 for other kinds.</summary>
    public int Stride { get; init; }

    /// <summary>Convolution and pooling: the window's step along the rows (1 for 1-D kinds); 0 for other kinds.</summary>
    public int StrideHeight { get; init; }

    /// <summary>Convolution: the padding mode; Valid for other kinds.</summary>
    public Padding Padding { get; init; }

    /// <summary>Whether the layer keeps running statistics (BatchNorm): running_mean and running_var, [size] each.</summary>
    public bool HasRunningStatistics => Kind == LayerKind.BatchNorm;
}
