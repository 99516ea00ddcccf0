// Networks for the gradient checks: every activation on the last layer x every loss, with a hidden layer using the
// same activation (ReLU where the activation is Softmax, which is last-layer only). Small sizes hit the vector tails.
#pragma warning disable SNN0010, SNN0011 // deliberately exercise the "outputs treated as logits" paths

namespace StaticNN.Tests.Networks;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.Identity)]
[Dense(3, Activation.Identity)]
public sealed partial class GradIdentityMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.Identity)]
[Dense(3, Activation.Identity)]
public sealed partial class GradIdentityMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.Identity)]
[Dense(3, Activation.Identity)]
public sealed partial class GradIdentityBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.Identity)]
[Dense(3, Activation.Identity)]
public sealed partial class GradIdentityCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.ReLU)]
public sealed partial class GradReLUMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.ReLU)]
public sealed partial class GradReLUMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.ReLU)]
public sealed partial class GradReLUBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.ReLU)]
public sealed partial class GradReLUCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(3, Activation.LeakyReLU, Alpha = 0.2f)]
public sealed partial class GradLeakyReLUMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(3, Activation.LeakyReLU, Alpha = 0.2f)]
public sealed partial class GradLeakyReLUMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(3, Activation.LeakyReLU, Alpha = 0.2f)]
public sealed partial class GradLeakyReLUBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.LeakyReLU, Alpha = 0.2f)]
[Dense(3, Activation.LeakyReLU, Alpha = 0.2f)]
public sealed partial class GradLeakyReLUCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.ELU, Alpha = 0.7f)]
[Dense(3, Activation.ELU, Alpha = 0.7f)]
public sealed partial class GradELUMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.ELU, Alpha = 0.7f)]
[Dense(3, Activation.ELU, Alpha = 0.7f)]
public sealed partial class GradELUMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.ELU, Alpha = 0.7f)]
[Dense(3, Activation.ELU, Alpha = 0.7f)]
public sealed partial class GradELUBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.ELU, Alpha = 0.7f)]
[Dense(3, Activation.ELU, Alpha = 0.7f)]
public sealed partial class GradELUCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.Sigmoid)]
[Dense(3, Activation.Sigmoid)]
public sealed partial class GradSigmoidMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.Sigmoid)]
[Dense(3, Activation.Sigmoid)]
public sealed partial class GradSigmoidMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.Sigmoid)]
[Dense(3, Activation.Sigmoid)]
public sealed partial class GradSigmoidBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.Sigmoid)]
[Dense(3, Activation.Sigmoid)]
public sealed partial class GradSigmoidCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.Tanh)]
[Dense(3, Activation.Tanh)]
public sealed partial class GradTanhMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.Tanh)]
[Dense(3, Activation.Tanh)]
public sealed partial class GradTanhMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.Tanh)]
[Dense(3, Activation.Tanh)]
public sealed partial class GradTanhBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.Tanh)]
[Dense(3, Activation.Tanh)]
public sealed partial class GradTanhCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class GradSoftmaxMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class GradSoftmaxMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class GradSoftmaxBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class GradSoftmaxCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.GELU)]
[Dense(3, Activation.GELU)]
public sealed partial class GradGELUMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.GELU)]
[Dense(3, Activation.GELU)]
public sealed partial class GradGELUMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.GELU)]
[Dense(3, Activation.GELU)]
public sealed partial class GradGELUBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.GELU)]
[Dense(3, Activation.GELU)]
public sealed partial class GradGELUCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.SiLU)]
[Dense(3, Activation.SiLU)]
public sealed partial class GradSiLUMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.SiLU)]
[Dense(3, Activation.SiLU)]
public sealed partial class GradSiLUMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.SiLU)]
[Dense(3, Activation.SiLU)]
public sealed partial class GradSiLUBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.SiLU)]
[Dense(3, Activation.SiLU)]
public sealed partial class GradSiLUCrossEntropy;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.Softplus)]
[Dense(3, Activation.Softplus)]
public sealed partial class GradSoftplusMeanSquaredError;

[Network(Loss = Loss.MeanAbsoluteError)]
[Input(5)]
[Dense(9, Activation.Softplus)]
[Dense(3, Activation.Softplus)]
public sealed partial class GradSoftplusMeanAbsoluteError;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(5)]
[Dense(9, Activation.Softplus)]
[Dense(3, Activation.Softplus)]
public sealed partial class GradSoftplusBinaryCrossEntropy;

[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.Softplus)]
[Dense(3, Activation.Softplus)]
public sealed partial class GradSoftplusCrossEntropy;
