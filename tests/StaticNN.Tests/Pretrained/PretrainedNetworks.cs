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
