using System.Collections.Generic;

namespace StaticNN.Tests.Networks;

/// <summary>The activation x loss networks of GradientNetworks.cs, for theories.</summary>
internal static class GradientNetworks
{
    public static IEnumerable<object[]> All() =>
    [
        [typeof(GradIdentityMeanSquaredError)],
        [typeof(GradIdentityMeanAbsoluteError)],
        [typeof(GradIdentityBinaryCrossEntropy)],
        [typeof(GradIdentityCrossEntropy)],
        [typeof(GradReLUMeanSquaredError)],
        [typeof(GradReLUMeanAbsoluteError)],
        [typeof(GradReLUBinaryCrossEntropy)],
        [typeof(GradReLUCrossEntropy)],
        [typeof(GradLeakyReLUMeanSquaredError)],
        [typeof(GradLeakyReLUMeanAbsoluteError)],
        [typeof(GradLeakyReLUBinaryCrossEntropy)],
        [typeof(GradLeakyReLUCrossEntropy)],
        [typeof(GradELUMeanSquaredError)],
        [typeof(GradELUMeanAbsoluteError)],
        [typeof(GradELUBinaryCrossEntropy)],
        [typeof(GradELUCrossEntropy)],
        [typeof(GradSigmoidMeanSquaredError)],
        [typeof(GradSigmoidMeanAbsoluteError)],
        [typeof(GradSigmoidBinaryCrossEntropy)],
        [typeof(GradSigmoidCrossEntropy)],
        [typeof(GradTanhMeanSquaredError)],
        [typeof(GradTanhMeanAbsoluteError)],
        [typeof(GradTanhBinaryCrossEntropy)],
        [typeof(GradTanhCrossEntropy)],
        [typeof(GradSoftmaxMeanSquaredError)],
        [typeof(GradSoftmaxMeanAbsoluteError)],
        [typeof(GradSoftmaxBinaryCrossEntropy)],
        [typeof(GradSoftmaxCrossEntropy)],
        [typeof(GradGELUMeanSquaredError)],
        [typeof(GradGELUMeanAbsoluteError)],
        [typeof(GradGELUBinaryCrossEntropy)],
        [typeof(GradGELUCrossEntropy)],
        [typeof(GradSiLUMeanSquaredError)],
        [typeof(GradSiLUMeanAbsoluteError)],
        [typeof(GradSiLUBinaryCrossEntropy)],
        [typeof(GradSiLUCrossEntropy)],
        [typeof(GradSoftplusMeanSquaredError)],
        [typeof(GradSoftplusMeanAbsoluteError)],
        [typeof(GradSoftplusBinaryCrossEntropy)],
        [typeof(GradSoftplusCrossEntropy)],
    ];
}
