// Networks with the regularization and normalization layers, small enough to gradient-check every parameter.
#pragma warning disable SNN0010 // ActivationLayers ends in an activation layer; the loss still fuses it

namespace StaticNN.Tests.Networks;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.Tanh)]
[Dropout(0.3f)]
[Dense(3)]
public sealed partial class DropoutNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9)]
[BatchNorm]
[Activation(Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public sealed partial class BatchNormNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(7)]
[BatchNorm(Momentum = 0.9f, Epsilon = 1e-2f)]
[Dense(3)]
public sealed partial class BatchNormFirstNet;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(6)]
[Dense(17, Activation.GELU)]
[LayerNorm]
[Dense(2, Activation.Sigmoid)]
public sealed partial class LayerNormNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(8)]
[Dense(8, Activation.Tanh)]
[ResidualBegin]
[Dense(8, Activation.ReLU)]
[LayerNorm]
[Dense(8)]
[ResidualEnd]
[Dense(3, Activation.Softmax)]
public sealed partial class ResidualNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(9)]
[ResidualBegin]
[Dense(9, Activation.Tanh)]
[ResidualBegin]
[Dense(9, Activation.SiLU)]
[ResidualEnd]
[ResidualEnd]
[Dense(1)]
public sealed partial class NestedResidualFromInputNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(7)]
[Activation(Activation.LeakyReLU, Alpha = 0.1f)]
[Dense(3)]
[Activation(Activation.Softmax)]
public sealed partial class ActivationLayersNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.ReLU, L2 = 0.05f)]
[Dense(2, L2 = 0.01f)]
public sealed partial class L2Net;

/// <summary>The "best practices" network.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(20)]
[Dense(64, Activation.ReLU, L2 = 0.01f)]
[Dropout(0.2f)]
[BatchNorm]
[Dense(32, Activation.ReLU)]
[Dropout(0.2f)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class ChurnNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(33)]
[BatchNorm]
public sealed partial class BatchNormOnlyNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1000)]
[Dropout(0.3f)]
public sealed partial class DropoutOnlyNet;
