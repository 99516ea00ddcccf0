using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using StaticNN.Activations;
using StaticNN.Layers;
using StaticNN.Tests.Infrastructure;

namespace StaticNN.Tests.Layers;

public class ActivationKernelsTests
{
    public static IEnumerable<object[]> ElementWise()
    {
        foreach (Activation a in Enum.GetValues<Activation>())
        {
            if (a != Activation.Softmax)
            {
                yield return new object[] { a };
            }
        }
    }

    /// <summary>VectorMath's function for one element, the way the generated kernels evaluate it on this machine.</summary>
    private static float Expected(Activation activation, float alpha, float x)
    {
        if (!Vector128.IsHardwareAccelerated)
        {
            return Scalar(activation, alpha, x);
        }

        Vector128<float> v = Vector128.Create(x);
        return (activation switch
        {
            Activation.Identity => v,
            Activation.ReLU => VectorMath.ReLU(v),
            Activation.LeakyReLU => VectorMath.LeakyReLU(v, alpha),
            Activation.ELU => VectorMath.ELU(v, alpha),
            Activation.Sigmoid => VectorMath.Sigmoid(v),
            Activation.Tanh => VectorMath.Tanh(v),
            Activation.GELU => VectorMath.GELU(v),
            Activation.SiLU => VectorMath.SiLU(v),
            Activation.Softplus => VectorMath.Softplus(v),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        }).ToScalar();
    }

    private static float Scalar(Activation activation, float alpha, float x) => activation switch
    {
        Activation.Identity => x,
        Activation.ReLU => VectorMath.ReLU(x),
        Activation.LeakyReLU => VectorMath.LeakyReLU(x, alpha),
        Activation.ELU => VectorMath.ELU(x, alpha),
        Activation.Sigmoid => VectorMath.Sigmoid(x),
        Activation.Tanh => VectorMath.Tanh(x),
        Activation.GELU => VectorMath.GELU(x),
        Activation.SiLU => VectorMath.SiLU(x),
        Activation.Softplus => VectorMath.Softplus(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    private static float[] Inputs(int length, int seed)
    {
        var random = new Random(seed);
        float[] special = [0f, -0f, 1f, -1f, 30f, -30f, 100f, -100f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-30f, -1e-30f];
        float[] x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = i % 4 == 3 ? special[(i / 4) % special.Length] : (float)(random.NextDouble() * 16 - 8);
        }

        return x;
    }

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void Forward_EqualsVectorMathPerElement_AtEveryLength(Activation activation)
    {
        // Exactly VectorMath's result as the generated kernels compute it (vector overloads when SIMD is available,
        // tail included), and within 1e-6 scaled of VectorMath's float overload.
        const float alpha = 0.7f;
        foreach (int length in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100 })
        {
            float[] x = Inputs(length, seed: length), y = new float[length];
            y.AsSpan().Fill(12345f);
            ActivationKernels.Forward(activation, alpha, x, y);
            for (int i = 0; i < length; i++)
            {
                float expected = Expected(activation, alpha, x[i]);
                BitConverter.SingleToInt32Bits(y[i]).ShouldBe(BitConverter.SingleToInt32Bits(expected),
                    $"{activation}({x[i]}) at index {i} of {length}: got {y[i]}, expected {expected}");
                float scalar = Scalar(activation, alpha, x[i]);
                if (float.IsNaN(scalar) || float.IsInfinity(scalar))
                {
                    y[i].ShouldBe(scalar);
                }
                else
                {
                    Math.Abs((double)y[i] - scalar).ShouldBeLessThanOrEqualTo(1e-6 * Math.Max(1, Math.Abs(scalar)), $"{activation}({x[i]})");
                }
            }

            float[] inPlace = (float[])x.Clone();
            ActivationKernels.Forward(activation, alpha, inPlace, inPlace);
            inPlace.ShouldBe(y, $"in place, length {length}");
        }
    }

    [Fact]
    public void Forward_Softmax_ThrowsPointingToSoftmaxPaddedRows()
    {
        ArgumentException ex = Should.Throw<ArgumentException>(() => ActivationKernels.Forward(Activation.Softmax, 0f, new float[16], new float[16]));
        ex.ParamName.ShouldBe("activation");
        ex.Message.ShouldContain("SoftmaxPaddedRows");
    }

    [Fact]
    public void Validation_Throws()
    {
        ArgumentException ex = Should.Throw<ArgumentException>(() => ActivationKernels.Forward(Activation.ReLU, 0f, new float[16], new float[15]));
        ex.ParamName.ShouldBe("y");
        ex.Message.ShouldContain("15");
        ex.Message.ShouldContain("16");
        Should.Throw<ArgumentOutOfRangeException>(() => ActivationKernels.Forward((Activation)99, 0f, new float[4], new float[4]))
            .ParamName.ShouldBe("activation");
    }

    [Fact]
    public void Forward_DoesNotAllocate()
    {
        float[] x = Inputs(100, seed: 1), y = new float[100];
        AllocationAssert.NoneAfterWarmUp(() =>
        {
            foreach (Activation a in (ReadOnlySpan<Activation>)[Activation.Identity, Activation.ReLU, Activation.LeakyReLU, Activation.ELU,
                Activation.Sigmoid, Activation.Tanh, Activation.GELU, Activation.SiLU, Activation.Softplus])
            {
                ActivationKernels.Forward(a, 0.1f, x, y);
            }
        });
    }
}
