// Convolutional networks for the forward, gradient and allocation tests: spatial sizes 1x1, 5x7, 9x9 and 28x28;
// strides 1 and 2; Valid and Same padding (even kernels included); channel and filter counts on every SIMD tail
// (1, 7, 8, 9, 15, 16, 17, 33); the 1-D layers; pooling, global pooling, BatchNorm, Dropout and residual blocks on
// spatial shapes; and the sample's networks.
#pragma warning disable SNN0113 // even kernels with Padding.Same: asymmetric on purpose

namespace StaticNN.Tests.Networks;

[Network]
[Input(3, 1, 1)]
[Conv2D(7, 1, Activation.Tanh)]
[Flatten]
[Dense(2)]
public sealed partial class ConvOnePixelNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(1, 5, 7)]
[Conv2D(9, 3, Activation.ReLU)]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class ConvValid5x7Net;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2, 5, 7)]
[Conv2D(8, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same)]
[Conv2D(17, 2, Activation.ELU, Padding = Padding.Same)]
[Flatten]
[Dense(1, Activation.Sigmoid)]
public sealed partial class ConvSameStride2Net;

[Network]
[Input(3, 6, 5)]
[Conv2D(16, 2, 3, Activation.SiLU, Stride = 2)]
[AvgPool2D(2, 1)]
[Flatten]
[Dense(4)]
public sealed partial class ConvRectangularNet; // the 2x1 pool's default stride is 2 rows, 1 column

[Network(Loss = Loss.CrossEntropy)]
[Input(1, 9, 9)]
[Conv2D(15, 3, Activation.LeakyReLU, Alpha = 0.1f)]
[MaxPool2D(2)]
[Conv2D(33, 2, Activation.GELU)]
[GlobalAveragePool2D]
[Dense(3, Activation.Softmax)]
public sealed partial class ConvPoolChainNet;

[Network]
[Input(9, 6, 6)]
[Conv2D(16, 3, Activation.Sigmoid, Padding = Padding.Same)]
[MaxPool2D(3, Stride = 2)]
[Conv2D(7, 2, Activation.Softplus, UseBias = false)]
[Flatten]
[Dense(2)]
public sealed partial class ConvChannelTailsNet;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(3, 17)]
[Conv1D(7, 3, Activation.ReLU)]
[MaxPool1D(2)]
[Conv1D(9, 4, Activation.Tanh, Stride = 2, Padding = Padding.Same)]
[AvgPool1D(2)]
[Flatten]
[Dense(2)]
public sealed partial class Conv1DNet;

[Network]
[Input(1, 16)]
[Conv1D(8, 5, Activation.Softplus, Padding = Padding.Same)]
[GlobalAveragePool1D]
[Dense(1)]
public sealed partial class Conv1DGlobalPoolNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(2, 6, 6)]
[Conv2D(9, 3)]
[BatchNorm]
[Activation(Activation.ReLU)]
[Dropout(0.3f)]
[MaxPool2D(2, Stride = 1)]
[Flatten]
[Dense(3, Activation.Softmax)]
public sealed partial class ConvBatchNormDropoutNet;

[Network]
[Input(1, 8, 8)]
[Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same)]
[ResidualBegin]
[Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same)]
[Conv2D(16, 3, Padding = Padding.Same, L2 = 0.01f)]
[ResidualEnd]
[Flatten]
[Dense(2)]
public sealed partial class ConvResidualNet;

[Network]
[Input(4, 7)]
[Flatten]
[Dense(5, Activation.Tanh)]
[Dense(2)]
public sealed partial class FlattenMatrixNet;

[Network]
[Input(6, 6)]
[Conv2D(8, 3, Activation.ReLU)]
[Flatten]
[Dense(2)]
public sealed partial class ConvMatrixInputNet;

[Network]
[Input(3, 5, 5)]
[Dropout(0.2f)]
[Conv2D(4, 3)]
[Flatten]
[Dense(2)]
public sealed partial class ConvAfterInputDropoutNet;

[Network]
[Input(1, 6, 6)]
[MaxPool2D(2)]
[Conv2D(8, 2, Activation.Tanh)]
[Flatten]
[Dense(2)]
public sealed partial class PoolFirstNet;

[Network]
[Input(2, 12)]
[Dropout(0.1f)]
[Conv1D(16, 3, Activation.ReLU)]
[Flatten]
[Dense(3)]
public sealed partial class Conv1DMatrixDropoutNet;

/// <summary>The Fashion-MNIST network (samples/FashionMnistCnn).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(32, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation.ReLU)]
[Dropout(0.5f)]
[Dense(10, Activation.Softmax)]
public sealed partial class FashionCnnNet;

/// <summary>LeNet-5 as the benchmarks run it: two 5x5 convolutions (6 and 16 filters), max pools, 120-84-10.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(6, 5, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(16, 5, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(120, Activation.ReLU)]
[Dense(84, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class LeNetNet;

/// <summary>Activations too large for the stack (more than 65,536 floats): Predict uses the per-thread scratch buffer.</summary>
[Network]
[Input(3, 40, 40)]
[Conv2D(32, 3, Activation.ReLU, Padding = Padding.Same)]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation.Tanh)]
[GlobalAveragePool2D]
[Dense(4)]
public sealed partial class ThreadScratchNet;
