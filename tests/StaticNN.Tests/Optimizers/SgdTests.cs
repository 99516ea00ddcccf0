using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="Sgd"/> against hand-computed steps, a double-precision reference (torch.optim.SGD's rule), a quadratic
/// bowl, argument validation and allocation.
/// </summary>
/// <remarks>
/// Tolerances: hand-computed steps use dyadic numbers (exact in float), asserted to 1e-6. The double reference is
/// matched to 2e-6 * max(1, |p|) after 10 steps. The quadratic bowl must reach its minimum within
/// 1e-5 (absolute; the values are at most 3). The SIMD paths must equal the scalar path bit for bit (tolerance 0):
/// both do the same float operations in the same order and the JIT does not contract a * b + c into an FMA.
/// </remarks>
public sealed class SgdTests
{
    private const float HandTolerance = 1e-6f;
    private const double ReferenceTolerance = 2e-6;

    // Lengths that exercise every SIMD width and tail: Vector128/256/512 hold 4/8/16 floats.
    private static readonly int[] s_lengths = [1, 7, 8, 9, 15, 16, 17, 33, 1000];

    public static TheoryData<int, float, float, bool, float> LengthsAndSettings()
    {
        // learningRate, momentum, nesterov, weightDecay
        (float, float, bool, float)[] settings =
        [
            (0.05f, 0f, false, 0f),      // plain (TensorPrimitives path)
            (0.05f, 0f, false, 0.01f),   // weight decay, no momentum (fused path)
            (0.05f, 0.9f, false, 0f),    // momentum
            (0.05f, 0.9f, true, 0f),     // Nesterov
            (0.03f, 0.5f, false, 0.1f),  // momentum + weight decay
            (0.03f, 0.7f, true, 0.05f),  // Nesterov + weight decay
        ];
        TheoryData<int, float, float, bool, float> data = new();
        foreach (int length in s_lengths)
        {
            foreach ((float lr, float momentum, bool nesterov, float weightDecay) in settings)
            {
                data.Add(length, lr, momentum, nesterov, weightDecay);
            }
        }

        return data;
    }

    // ---- Hand-computed steps (lr = 0.5, dyadic inputs, so every float below is exact) ----

    private static readonly float[][] HandGradients =
    [
        [0.5f, -1f],
        [1f, 0.25f],
        [-0.5f, 0.5f],
    ];

    [Fact]
    public void Plain_ThreeSteps_MatchHandComputedValues()
    {
        Sgd sgd = new(learningRate: 0.5f);
        float[] p = [1f, -2f];

        // p = p - lr * g
        sgd.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.75f, -1.5f]);     // [1 - 0.5*0.5, -2 - 0.5*(-1)]
        sgd.Step(p, HandGradients[1]);
        ShouldBeClose(p, [0.25f, -1.625f]);   // [0.75 - 0.5*1, -1.5 - 0.5*0.25]
        sgd.Step(p, HandGradients[2]);
        ShouldBeClose(p, [0.5f, -1.875f]);    // [0.25 - 0.5*(-0.5), -1.625 - 0.5*0.5]
    }

    [Fact]
    public void Momentum_ThreeSteps_MatchHandComputedValues()
    {
        Sgd sgd = new(learningRate: 0.5f, momentum: 0.5f);
        float[] p = [1f, -2f];

        // Step 1: buf = g1 = [0.5, -1]; p = [1 - 0.25, -2 + 0.5]
        sgd.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.75f, -1.5f]);
        // Step 2: buf = 0.5*[0.5, -1] + [1, 0.25] = [1.25, -0.25]; p = [0.75 - 0.625, -1.5 + 0.125]
        sgd.Step(p, HandGradients[1]);
        ShouldBeClose(p, [0.125f, -1.375f]);
        // Step 3: buf = 0.5*[1.25, -0.25] + [-0.5, 0.5] = [0.125, 0.375]; p = [0.125 - 0.0625, -1.375 - 0.1875]
        sgd.Step(p, HandGradients[2]);
        ShouldBeClose(p, [0.0625f, -1.5625f]);
    }

    [Fact]
    public void Nesterov_ThreeSteps_MatchHandComputedValues()
    {
        Sgd sgd = new(learningRate: 0.5f, momentum: 0.5f, nesterov: true);
        float[] p = [1f, -2f];

        // Step 1: buf = [0.5, -1]; d = g + 0.5*buf = [0.75, -1.5]; p = [1 - 0.375, -2 + 0.75]
        sgd.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.625f, -1.25f]);
        // Step 2: buf = [1.25, -0.25]; d = [1, 0.25] + 0.5*[1.25, -0.25] = [1.625, 0.125];
        //         p = [0.625 - 0.8125, -1.25 - 0.0625]
        sgd.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.1875f, -1.3125f]);
        // Step 3: buf = [0.125, 0.375]; d = [-0.5, 0.5] + 0.5*[0.125, 0.375] = [-0.4375, 0.6875];
        //         p = [-0.1875 + 0.21875, -1.3125 - 0.34375]
        sgd.Step(p, HandGradients[2]);
        ShouldBeClose(p, [0.03125f, -1.65625f]);
    }

    [Fact]
    public void WeightDecay_TwoSteps_MatchHandComputedValues()
    {
        Sgd sgd = new(learningRate: 0.5f, weightDecay: 0.25f);
        float[] p = [1f, -2f];

        // Step 1: g = [0.5 + 0.25*1, -1 + 0.25*(-2)] = [0.75, -1.5]; p = [1 - 0.375, -2 + 0.75]
        sgd.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.625f, -1.25f]);
        // Step 2: g = [1 + 0.25*0.625, 0.25 + 0.25*(-1.25)] = [1.15625, -0.0625]; p = [0.625 - 0.578125, -1.25 + 0.03125]
        sgd.Step(p, HandGradients[1]);
        ShouldBeClose(p, [0.046875f, -1.21875f]);
    }

    [Fact]
    public void NesterovWithWeightDecay_TwoSteps_MatchHandComputedValues()
    {
        Sgd sgd = new(learningRate: 0.5f, momentum: 0.5f, nesterov: true, weightDecay: 0.25f);
        float[] p = [1f, -2f];

        // Step 1: g = [0.75, -1.5]; buf = g; d = g + 0.5*buf = [1.125, -2.25]; p = [1 - 0.5625, -2 + 1.125]
        sgd.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.4375f, -0.875f]);
        // Step 2: g = [1 + 0.25*0.4375, 0.25 + 0.25*(-0.875)] = [1.109375, 0.03125];
        //         buf = 0.5*[0.75, -1.5] + g = [1.484375, -0.71875];
        //         d = g + 0.5*buf = [1.8515625, -0.328125]; p = [0.4375 - 0.92578125, -0.875 + 0.1640625]
        sgd.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.48828125f, -0.7109375f]);
    }

    [Fact]
    public void LearningRateChangedBetweenSteps_NextStepUsesNewRate()
    {
        Sgd sgd = new(learningRate: 0.5f);
        float[] p = [1f, -2f];
        sgd.Step(p, HandGradients[0]);             // p = [0.75, -1.5]

        sgd.LearningRate = 0.25f;
        sgd.Step(p, HandGradients[1]);             // p = [0.75 - 0.25*1, -1.5 - 0.25*0.25]

        sgd.LearningRate.ShouldBe(0.25f);
        ShouldBeClose(p, [0.5f, -1.5625f]);
    }

    // ---- Double-precision reference over 10 steps ----

    [Theory]
    [MemberData(nameof(LengthsAndSettings))]
    public void TenSteps_MatchDoubleReference(int length, float lr, float momentum, bool nesterov, float weightDecay)
    {
        Random random = new(1234 + length);
        float[] p = RandomVector(random, length, 2f);
        double[] reference = Array.ConvertAll(p, x => (double)x);
        double[] buffer = new double[length];
        Sgd sgd = new(lr, momentum, nesterov, weightDecay);

        for (int step = 0; step < 10; step++)
        {
            float[] g = RandomVector(random, length, 1f);
            sgd.Step(p, g);
            ReferenceStep(reference, g, buffer, lr, momentum, nesterov, weightDecay, firstStep: step == 0);
        }

        for (int i = 0; i < length; i++)
        {
            double tolerance = ReferenceTolerance * Math.Max(1.0, Math.Abs(reference[i]));
            Math.Abs(p[i] - reference[i]).ShouldBeLessThanOrEqualTo(tolerance, $"element {i} of {length}");
        }
    }

    [Theory]
    [MemberData(nameof(LengthsAndSettings))]
    public void SimdPaths_MatchScalarPathBitForBit(int length, float lr, float momentum, bool nesterov, float weightDecay)
    {
        // Each element's update depends only on that element, so one optimizer over the whole vector (SIMD body +
        // tail) must give exactly what one length-1 optimizer per element (scalar path only) gives.
        Random random = new(99 + length);
        float[] p = RandomVector(random, length, 2f);
        float[] pScalar = (float[])p.Clone();
        Sgd whole = new(lr, momentum, nesterov, weightDecay);
        Sgd[] perElement = new Sgd[length];
        for (int i = 0; i < length; i++)
        {
            perElement[i] = new Sgd(lr, momentum, nesterov, weightDecay);
        }

        for (int step = 0; step < 10; step++)
        {
            float[] g = RandomVector(random, length, 1f);
            whole.Step(p, g);
            for (int i = 0; i < length; i++)
            {
                perElement[i].Step(pScalar.AsSpan(i, 1), g.AsSpan(i, 1));
            }
        }

        for (int i = 0; i < length; i++)
        {
            BitConverter.SingleToInt32Bits(p[i]).ShouldBe(BitConverter.SingleToInt32Bits(pScalar[i]), $"element {i}: {p[i]} vs {pScalar[i]}");
        }
    }

    // ---- Convergence on a quadratic bowl ----

    [Theory]
    [InlineData(0.1f, 0f, false, 200)]
    [InlineData(0.01f, 0.9f, false, 600)]
    [InlineData(0.01f, 0.9f, true, 600)]
    public void QuadraticBowl_ConvergesToMinimum(float lr, float momentum, bool nesterov, int steps)
    {
        // f(p) = sum (p_i - c_i)^2, gradient 2 (p - c); the minimum is p = c.
        float[] c = RandomVector(new Random(7), 17, 3f);
        float[] p = RunBowl(new Sgd(lr, momentum, nesterov), c, steps);

        for (int i = 0; i < c.Length; i++)
        {
            p[i].ShouldBe(c[i], 1e-5f);
        }
    }

    [Fact]
    public void QuadraticBowl_WithWeightDecay_ConvergesToShrunkMinimum()
    {
        // With L2 decay the optimizer minimises f(p) + wd/2 |p|^2: 2 (p - c) + wd p = 0, so p = 2c / (2 + wd) = 0.8 c.
        float[] c = RandomVector(new Random(7), 17, 3f);
        float[] p = RunBowl(new Sgd(learningRate: 0.01f, momentum: 0.9f, weightDecay: 0.5f), c, 600);

        for (int i = 0; i < c.Length; i++)
        {
            p[i].ShouldBe(0.8f * c[i], 1e-5f);
        }
    }

    // ---- Validation ----

    [Theory]
    [InlineData(0f, 0f, false, 0f, "learningRate")]
    [InlineData(-0.1f, 0f, false, 0f, "learningRate")]
    [InlineData(float.NaN, 0f, false, 0f, "learningRate")]
    [InlineData(float.PositiveInfinity, 0f, false, 0f, "learningRate")]
    [InlineData(0.1f, -0.1f, false, 0f, "momentum")]
    [InlineData(0.1f, 1f, false, 0f, "momentum")]
    [InlineData(0.1f, float.NaN, false, 0f, "momentum")]
    [InlineData(0.1f, 0f, true, 0f, "momentum")]
    [InlineData(0.1f, 0f, false, -0.01f, "weightDecay")]
    [InlineData(0.1f, 0f, false, float.NaN, "weightDecay")]
    [InlineData(0.1f, 0f, false, float.PositiveInfinity, "weightDecay")]
    public void Constructor_InvalidArgument_ThrowsArgumentOutOfRange(
        float lr, float momentum, bool nesterov, float weightDecay, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new Sgd(lr, momentum, nesterov, weightDecay));

        ex.ParamName.ShouldBe(paramName);
    }

    [Fact]
    public void Constructor_NesterovWithoutMomentum_MessageExplainsPyTorchRule()
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new Sgd(0.1f, momentum: 0f, nesterov: true));

        ex.Message.ShouldContain("Nesterov");
        ex.Message.ShouldContain("momentum > 0");
        ex.Message.ShouldContain("PyTorch");
    }

    [Fact]
    public void Constructor_BoundaryValues_AreAccepted()
    {
        Sgd sgd = new(learningRate: float.Epsilon, momentum: 0.999f, nesterov: true, weightDecay: 0f);

        sgd.LearningRate.ShouldBe(float.Epsilon);
        sgd.Momentum.ShouldBe(0.999f);
        sgd.Nesterov.ShouldBeTrue();
        sgd.WeightDecay.ShouldBe(0f);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void LearningRateSetter_InvalidValue_ThrowsAndKeepsOldValue(float value)
    {
        Sgd sgd = new(learningRate: 0.5f);

        Should.Throw<ArgumentOutOfRangeException>(() => sgd.LearningRate = value);

        sgd.LearningRate.ShouldBe(0.5f);
    }

    [Fact]
    public void Step_MismatchedLengths_ThrowsArgumentExceptionNamingBothLengths()
    {
        Sgd sgd = new(0.1f, momentum: 0.9f);
        float[] p = [1f, 2f, 3f, 4f];

        ArgumentException ex = Should.Throw<ArgumentException>(() => sgd.Step(p, new float[3]));

        ex.GetType().ShouldBe(typeof(ArgumentException));
        ex.Message.ShouldContain("4");
        ex.Message.ShouldContain("3");
        p.ShouldBe([1f, 2f, 3f, 4f]);
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.9f, false)]
    [InlineData(0.9f, true)]
    public void Step_LengthChangedWithoutReset_ThrowsInvalidOperation_AndWorksAfterReset(float momentum, bool nesterov)
    {
        Sgd sgd = new(0.1f, momentum, nesterov);
        sgd.Step(new float[8], Filled(8, 1f));
        float[] p = Filled(9, 1f);

        InvalidOperationException ex = Should.Throw<InvalidOperationException>(() => sgd.Step(p, Filled(9, 1f)));
        ex.Message.ShouldContain("Reset()");
        ex.Message.ShouldContain("8");
        ex.Message.ShouldContain("9");
        p.ShouldBe(Filled(9, 1f));

        sgd.Reset();
        sgd.Step(p, Filled(9, 0.5f));

        float[] expected = Filled(9, 1f);
        new Sgd(0.1f, momentum, nesterov).Step(expected, Filled(9, 0.5f));
        p.ShouldBe(expected);
    }

    [Theory]
    [InlineData(0.9f, false, 0f)]
    [InlineData(0.9f, true, 0.1f)]
    public void Reset_ThenStepping_MatchesFreshOptimizer(float momentum, bool nesterov, float weightDecay)
    {
        Random random = new(5);
        float[][] gradients = [RandomVector(random, 17, 1f), RandomVector(random, 17, 1f), RandomVector(random, 17, 1f)];
        Sgd used = new(0.1f, momentum, nesterov, weightDecay);
        float[] scratch = RandomVector(random, 17, 1f);
        foreach (float[] g in gradients)
        {
            used.Step(scratch, g);
        }

        used.Reset();
        Sgd fresh = new(0.1f, momentum, nesterov, weightDecay);
        float[] p = Filled(17, 1f), q = Filled(17, 1f);
        foreach (float[] g in gradients)
        {
            used.Step(p, g);
            fresh.Step(q, g);
        }

        p.ShouldBe(q);
    }

    // ---- Allocation ----

    [Theory]
    [InlineData(0f, false, 0f)]
    [InlineData(0f, false, 0.01f)]
    [InlineData(0.9f, false, 0f)]
    [InlineData(0.9f, true, 0.01f)]
    public void Step_AfterWarmUp_DoesNotAllocate(float momentum, bool nesterov, float weightDecay)
    {
        Sgd sgd = new(0.01f, momentum, nesterov, weightDecay);
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        sgd.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                sgd.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    [Fact]
    public void ResetAndStepSameLength_ReusesBuffer_DoesNotAllocate()
    {
        Sgd sgd = new(0.01f, momentum: 0.9f);
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        sgd.Step(p, g);
        sgd.Reset();
        sgd.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                sgd.Reset();
                sgd.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    // ---- Helpers ----

    // torch.optim.SGD (dampening 0) in double.
    private static void ReferenceStep(
        double[] p, float[] grad, double[] buffer, double lr, double momentum, bool nesterov, double weightDecay, bool firstStep)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = grad[i];
            if (weightDecay != 0)
            {
                g += weightDecay * p[i];
            }

            if (momentum != 0)
            {
                buffer[i] = firstStep ? g : momentum * buffer[i] + g;
                g = nesterov ? g + momentum * buffer[i] : buffer[i];
            }

            p[i] -= lr * g;
        }
    }

    private static float[] RunBowl(Sgd sgd, float[] c, int steps)
    {
        float[] p = new float[c.Length];
        float[] g = new float[c.Length];
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < c.Length; i++)
            {
                g[i] = 2f * (p[i] - c[i]);
            }

            sgd.Step(p, g);
        }

        return p;
    }

    private static float[] RandomVector(Random random, int length, float scale)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2.0 - 1.0) * scale);
        }

        return values;
    }

    private static float[] Filled(int length, float value)
    {
        float[] values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    private static void ShouldBeClose(float[] actual, float[] expected)
    {
        actual.Length.ShouldBe(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            actual[i].ShouldBe(expected[i], HandTolerance, $"element {i}");
        }
    }
}
