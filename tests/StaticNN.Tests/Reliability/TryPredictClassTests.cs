using System;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;
using StaticNN.Tests.Serialization;

namespace StaticNN.Tests.Reliability;

/// <summary>More outputs than TryPredictClass keeps on the stack (1,024), so it takes the pooled path.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2)]
[Dense(1030, Activation.Softmax)]
public sealed partial class WideOutputNet;

/// <summary>
/// Issue 18, item 6: PredictClass returns class 0 for NaN outputs, which looks like an answer. TryPredictClass returns
/// false instead, and otherwise agrees with PredictClass.
/// </summary>
public sealed class TryPredictClassTests
{
    [Fact]
    public void NaNOutputs_ReturnFalseWherePredictClassReturnsClassZero()
    {
        WeightFileIrisNet network = TestData.Randomized<WeightFileIrisNet>(seed: 3);
        network.Parameters.Fill(float.NaN); // weights after a divergence
        float[] input = [0.1f, 0.2f, 0.3f, 0.4f];

        network.PredictClass(input).ShouldBe(0); // the documented behaviour (README): an index, not an error

        network.TryPredictClass(input, out int predicted).ShouldBeFalse();
        predicted.ShouldBe(-1);
    }

    [Fact]
    public void InputWithInfinity_ReturnsFalse()
    {
        WeightFileIrisNet network = TestData.Randomized<WeightFileIrisNet>(seed: 3);

        network.TryPredictClass([float.PositiveInfinity, 0f, 0f, 0f], out _).ShouldBeFalse();
    }

    [Fact]
    public void FiniteOutputs_AgreeWithPredictClass()
    {
        WeightFileIrisNet iris = TestData.Randomized<WeightFileIrisNet>(seed: 4);
        XorNet xor = TestData.Randomized<XorNet>(seed: 5);
        WideOutputNet wide = TestData.Randomized<WideOutputNet>(seed: 6);
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            float[] x4 = [(float)random.NextDouble() * 4 - 2, (float)random.NextDouble() * 4 - 2, (float)random.NextDouble() * 4 - 2, (float)random.NextDouble() * 4 - 2];
            iris.TryPredictClass(x4, out int a).ShouldBeTrue();
            a.ShouldBe(iris.PredictClass(x4));
            xor.TryPredictClass(x4[..2], out int b).ShouldBeTrue();
            b.ShouldBe(xor.PredictClass(x4[..2]));
            wide.TryPredictClass(x4[2..], out int c).ShouldBeTrue();
            c.ShouldBe(wide.PredictClass(x4[2..]));
        }
    }

    [Fact]
    public void WrongInputLength_ThrowsArgumentException()
    {
        Should.Throw<ArgumentException>(() => new XorNet(seed: 1).TryPredictClass([1f, 2f, 3f], out _));
    }

    [Fact]
    public void TryPredictClass_AllocatesNothingOnTheStackAndPooledPaths()
    {
        WeightFileIrisNet iris = TestData.Randomized<WeightFileIrisNet>(seed: 4);
        WideOutputNet wide = TestData.Randomized<WideOutputNet>(seed: 6);
        float[] x4 = [0.5f, -0.25f, 1f, 2f];
        float[] x2 = [0.5f, -0.25f];

        AllocationAssert.NoneAfterWarmUp(() =>
        {
            iris.TryPredictClass(x4, out _);
            wide.TryPredictClass(x2, out _);
        });
    }
}
