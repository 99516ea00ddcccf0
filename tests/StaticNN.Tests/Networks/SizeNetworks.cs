// Networks for the forward and gradient checks on sizes that hit every SIMD tail (1, 3, 7, 8, 9, 15, 16, 17, 33, 64, 127, 784)
// and every register-tile remainder.

namespace StaticNN.Tests.Networks;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(1, Activation.Identity)]
public sealed partial class Size1;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(3)]
[Dense(7, Activation.ReLU)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class Size3x7;

[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
[Dense(9, Activation.Tanh)]
[Dense(8, Activation.Identity)]
public sealed partial class Size8x9;

[Network(Loss = Loss.CrossEntropy)]
[Input(15)]
[Dense(16, Activation.GELU)]
[Dense(15, Activation.Softmax)]
public sealed partial class Size15x16;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(17)]
[Dense(33, Activation.SiLU)]
[Dense(17, Activation.Identity)]
public sealed partial class Size17x33;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(33)]
[Dense(64, Activation.ELU)]
[Dense(33, Activation.Sigmoid)]
public sealed partial class Size33x64;

[Network(Loss = Loss.MeanSquaredError)]
[Input(64)]
[Dense(127, Activation.LeakyReLU)]
[Dense(64, Activation.Softplus)]
public sealed partial class Size64x127;

[Network(Loss = Loss.CrossEntropy)]
[Input(127)]
[Dense(784, Activation.Sigmoid)]
[Dense(9, Activation.Softmax)]
public sealed partial class Size127x784;

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class Size784x128;

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class Size784x128x64;

[Network(Loss = Loss.MeanSquaredError)]
[Input(16)]
[Dense(300, Activation.Tanh)]
[Dense(300, Activation.Tanh)]
[Dense(8, Activation.Identity)]
public sealed partial class Wide16x300;

[Network(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(17, Activation.Tanh, UseBias = false)]
[Dense(3, Activation.Identity, UseBias = false)]
public sealed partial class NoBias;
