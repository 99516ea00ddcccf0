namespace StaticNN.Tests.Pretrained;

// Networks whose weights are baked at build time from the files next to this one (written by make_pretrained_files.py
// from PyTorch modules; the project lists them as AdditionalFiles and imports src/StaticNN/build/StaticNN.targets).

/// <summary>4-10(ReLU)-3(Softmax) from a plain nn.Sequential state dict (names 0.weight, 2.weight).</summary>
[Network(Loss = Loss.CrossEntropy, Weights = "Pretrained/sequential.safetensors")]
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class SequentialNet;

/// <summary>Dense without bias, BatchNorm with running statistics (and PyTorch's num_batches_tracked), LayerNorm.</summary>
[Network(Weights = "Pretrained/normalized.safetensors")]
[Input(5)]
[Dense(17, UseBias = false)]
[BatchNorm(Epsilon = 1e-5f)]
[Activation(Activation.ReLU)]
[LayerNorm(Epsilon = 1e-5f)]
[Dense(9, Activation.Tanh)]
public sealed partial class NormalizedNet;

/// <summary>33-17(GELU)-1(Sigmoid) with StaticNN's canonical names (layers.{i}.weight), sizes off the SIMD widths.</summary>
[Network(Loss = Loss.BinaryCrossEntropy, Weights = "Pretrained/canonical.safetensors")]
[Input(33)]
[Dense(17, Activation.GELU)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class CanonicalNet;

/// <summary>
/// Conv2d, MaxPool2d, Conv2d with padding='same', BatchNorm2d, AvgPool2d, Flatten, Linear from a plain nn.Sequential
/// state dict: PyTorch's modules 0, 3, 4 and 8 are this network's layers 0, 2, 3 and 7.
/// </summary>
[Network(Loss = Loss.CrossEntropy, Weights = "Pretrained/conv.safetensors")]
[Input(1, 12, 12)]
[Conv2D(8, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(17, 3, Padding = Padding.Same)]
[BatchNorm(Epsilon = 1e-5f)]
[Activation(Activation.Tanh)]
[AvgPool2D(2)]
[Flatten]
[Dense(5, Activation.Softmax)]
public sealed partial class ConvPretrainedNet;

/// <summary>Conv1d with stride 2, MaxPool1d, Conv1d with padding='same', GELU, global average pooling, Linear.</summary>
[Network(Weights = "Pretrained/conv1d.safetensors")]
[Input(3, 20)]
[Conv1D(16, 5, Activation.ReLU, Stride = 2)]
[MaxPool1D(2)]
[Conv1D(9, 3, Activation.GELU, Padding = Padding.Same)]
[GlobalAveragePool1D]
[Dense(2)]
public sealed partial class Conv1DPretrainedNet;
