namespace StaticNN.Tests.Networks;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class XorNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(32, Activation.Tanh)]
[Dense(32, Activation.Tanh)]
[Dense(1)]
public sealed partial class SineNet;

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class IrisShapedNet;
