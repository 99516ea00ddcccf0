using StaticNN;

namespace StaticNN.Benchmarks;

// The four reference shapes of docs/DESIGN section 6 and the wide S5 of the benchmark issue, compiled by the StaticNN
// source generator.

/// <summary>S1: 4-10(ReLU)-3(Softmax), cross-entropy (Iris-sized).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public partial class S1Net;

/// <summary>S2: 16-64(tanh)-64(tanh)-8, mean squared error (a small regressor/controller).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(16)]
[Dense(64, Activation.Tanh)]
[Dense(64, Activation.Tanh)]
[Dense(8)]
public partial class S2Net;

/// <summary>S3: 784-128(ReLU)-10(Softmax), cross-entropy (MNIST-sized MLP).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class S3Net;

/// <summary>S4: 784-128(ReLU)-64(ReLU)-10(Softmax), cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class S4Net;

/// <summary>
/// S5: 256-512(ReLU)-512(ReLU)-10(Softmax), cross-entropy: the wide shape (1.6 MB of weights, more than one core's L2).
/// The issue leaves the last activation open; Softmax, as S1, S3 and S4, so every classifier shape ends the same way.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(256)]
[Dense(512, Activation.ReLU)]
[Dense(512, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class S5Net;

/// <summary>C1: the convolutional network of the shapes issue (Fashion-MNIST): two 3x3 convolutions with max pools, 1600-128-10.</summary>
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
public partial class C1Net;

/// <summary>L5: a LeNet-5-like network on 28x28: 6 and 16 filters of 5x5 with max pools, 256-120-84-10.</summary>
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
public partial class L5Net;
