namespace StaticNN.Generator.Model;

// Mirrors of the runtime enums (the generator cannot reference the runtime assembly). Values must match
// StaticNN.Activation / StaticNN.Loss / StaticNN.LayerKind / StaticNN.Padding; a test checks that they do.

internal enum ActivationKind
{
    Identity = 0,
    ReLU = 1,
    LeakyReLU = 2,
    ELU = 3,
    Sigmoid = 4,
    Tanh = 5,
    Softmax = 6,
    GELU = 7,
    SiLU = 8,
    Softplus = 9,
}

internal enum LossKind
{
    MeanSquaredError = 0,
    MeanAbsoluteError = 1,
    BinaryCrossEntropy = 2,
    CrossEntropy = 3,
}

internal enum LayerKind
{
    Dense = 0,
    Dropout = 1,
    BatchNorm = 2,
    LayerNorm = 3,
    Activation = 4,
    Residual = 5,
    Conv2D = 6,
    Conv1D = 7,
    MaxPool2D = 8,
    AvgPool2D = 9,
    GlobalAveragePool2D = 10,
    Flatten = 11,
    MaxPool1D = 12,
    AvgPool1D = 13,
    GlobalAveragePool1D = 14,
}

internal enum PaddingKind
{
    Valid = 0,
    Same = 1,
}
