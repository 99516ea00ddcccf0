using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="Adam"/> against hand-computed steps, a double-precision reference (torch.optim.Adam's rule), a quadratic
/// bowl, argument validation and allocation.
/// </summary>
/// <remarks>
/// Tolerances: hand-computed steps (expected values from double arithmetic) are asserted to 1e-6. The double
/// reference is matched to 2e-6 * max(1, |p|) after 10 steps. The quadratic bowl must reach its minimum within
/// 1e-5 (absolute; the values are at most 3). The SIMD paths must equal the scalar path bit for bit
/// (tolerance 0): both do the same float operations in the same order (Sqrt and division are correctly rounded and
/// the JIT does not contract a * b + c into an FMA).
/// </remarks>
public sealed class AdamTests
{
    private const float HandTolerance = 1e-6f;
    private const double ReferenceTolerance = 2e-6;

    // Lengths that exercise every SIMD width and tail: Vector128/256/512 hold 4/8/16 floats.
    private static readonly int[] s_lengths = [1, 7, 8, 9, 15, 16, 17, 33, 1000];

    public static TheoryData<int, float, float, float, float, float> LengthsAndSettings()
    {
        // learningRate, beta1, beta2, epsilon, weightDecay
        (float, float, float, float, float)[] settings =
        [
            (1e-3f, 0.9f, 0.999f, 1e-8f, 0f),   // PyTorch defaults
            (0.01f, 0.9f, 0.999f, 1e-8f, 0f),
            (0.01f, 0.9f, 0.999f, 1e-8f, 0.01f), // L2 weight decay
            (0.05f, 0.5f, 0.75f, 1e-3f, 0.1f),
            (0.02f, 0f, 0.99f, 1e-6f, 0f),        // beta1 = 0 (RMSProp-like)
        ];
        TheoryData<int, float, float, float, float, float> data = new();
        foreach (int length in s_lengths)
        {
            foreach ((float lr, float beta1, float beta2, float epsilon, float weightDecay) in settings)
            {
                data.Add(length, lr, beta1, beta2, epsilon, weightDecay);
            }
        }

        return data;
    }

    // ---- Hand-computed steps ----

    private static readonly float[][] HandGradients =
    [
        [0.5f, -1f],
        [1f, 0.25f],
        [-0.5f, 0.5f],
    ];

    [Fact]
    public void ThreeSteps_MatchHandComputedValues()
    {
        // lr = 0.5, beta1 = 0.5, beta2 = 0.75, eps = 0.25; update = lr * mhat / (sqrt(vhat) + eps),
        // mhat = m / (1 - 0.5^t), vhat = v / (1 - 0.75^t).
        Adam adam = new(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f);
        float[] p = [1f, -2f];

        // t=1: m = 0.5*g = [0.25, -0.5], v = 0.25*g^2 = [0.0625, 0.25]; mhat = [0.5, -1], vhat = [0.25, 1]
        //      update = 0.5*[0.5/(0.5+0.25), -1/(1+0.25)] = [1/3, -0.4]; p = [2/3, -1.6]
        adam.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.6666666666666667f, -1.6f]);

        // t=2: m = 0.5*m + 0.5*[1, 0.25] = [0.625, -0.125]; v = 0.75*v + 0.25*[1, 0.0625] = [0.296875, 0.203125]
        //      mhat = m/0.75 = [0.8333333, -0.1666667]; vhat = v/0.4375 = [0.6785714, 0.4642857]
        //      sqrt(vhat) = [0.8237545, 0.6813851]; update = 0.5*mhat/(sqrt(vhat)+0.25) = [0.3880465, -0.0894725]
        //      p = [0.2786201645086573, -1.5105275257160082]
        adam.Step(p, HandGradients[1]);
        ShouldBeClose(p, [0.2786201645086573f, -1.5105275257160082f]);

        // t=3: m = [0.0625, 0.1875]; v = 0.75*v + 0.25*[0.25, 0.25] = [0.28515625, 0.21484375]
        //      mhat = m/0.875 = [0.0714286, 0.2142857]; vhat = v/0.578125 = [0.4932432, 0.3716216]
        //      sqrt(vhat) = [0.7023128, 0.6096078]; update = [0.0375027, 0.1246416]
        //      p = [0.24111748009325656, -1.6351690914048131]
        adam.Step(p, HandGradients[2]);
        ShouldBeClose(p, [0.24111748009325656f, -1.6351690914048131f]);

        adam.StepCount.ShouldBe(3L);
    }

    [Fact]
    public void WeightDecay_TwoSteps_MatchHandComputedValues()
    {
        // Same settings with weightDecay = 0.5: g = grad + 0.5 * p (L2 added to the gradient, not AdamW).
        Adam adam = new(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f, weightDecay: 0.5f);
        float[] p = [1f, -2f];

        // t=1: g = [0.5 + 0.5*1, -1 + 0.5*(-2)] = [1, -2]; m = [0.5, -1]; v = [0.25, 1]; mhat = [1, -2]; vhat = [1, 4]
        //      update = 0.5*[1/(1+0.25), -2/(2+0.25)] = [0.4, -0.4444444]; p = [0.6, -1.5555556]
        adam.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.6f, -1.5555555555555556f]);

        // t=2: g = [1 + 0.5*0.6, 0.25 + 0.5*(-1.5555556)] = [1.3, -0.5277778]
        //      m = 0.5*m + 0.5*g = [0.9, -0.7638889]; v = 0.75*v + 0.25*g^2 = [0.61, 0.8196373]
        //      mhat = m/0.75 = [1.2, -1.0185185]; vhat = v/0.4375 = [1.3942857, 1.8734568]
        //      sqrt(vhat) = [1.1807988, 1.3687428]; update = [0.4193462, -0.3146017]
        //      p = [0.18065381638560069, -1.2409538372135471]
        adam.Step(p, HandGradients[1]);
        ShouldBeClose(p, [0.18065381638560069f, -1.2409538372135471f]);
    }

    [Fact]
    public void DefaultSettings_FirstStep_MovesEachParameterByLearningRateAgainstGradientSign()
    {
        // t=1: mhat = g and vhat = g^2 exactly, so the update is lr * g / (|g| + 1e-8) ~= 1e-3 * sign(g).
        // Double arithmetic with the float hyperparameters: p = [0.9989999999725026, -1.9989999999625025].
        Adam adam = new();
        float[] p = [1f, -2f];

        adam.Step(p, HandGradients[0]);

        ShouldBeClose(p, [0.9989999999725026f, -1.9989999999625025f]);
        adam.LearningRate.ShouldBe(1e-3f);
        adam.Beta1.ShouldBe(0.9f);
        adam.Beta2.ShouldBe(0.999f);
        adam.Epsilon.ShouldBe(1e-8f);
        adam.WeightDecay.ShouldBe(0f);
    }

    [Fact]
    public void ZeroGradient_LeavesParameterUnchanged()
    {
        // Padding in a parameter block has gradient 0 forever: m = v = 0, so the update 0 / eps is exactly 0.
        Adam adam = new(learningRate: 0.1f);
        float[] p = new float[33];
        p[5] = 1f;
        float[] g = new float[33];
        g[5] = 0.5f;

        for (int i = 0; i < 10; i++)
        {
            adam.Step(p, g);
        }

        for (int i = 0; i < p.Length; i++)
        {
            if (i != 5)
            {
                p[i].ShouldBe(0f);
            }
        }

        p[5].ShouldBeLessThan(1f);
    }

    // ---- Double-precision reference over 10 steps ----

    [Theory]
    [MemberData(nameof(LengthsAndSettings))]
    public void TenSteps_MatchDoubleReference(int length, float lr, float beta1, float beta2, float epsilon, float weightDecay)
    {
        Random random = new(4321 + length);
        float[] p = RandomVector(random, length, 2f);
        double[] reference = Array.ConvertAll(p, x => (double)x);
        double[] m = new double[length], v = new double[length];
        Adam adam = new(lr, beta1, beta2, epsilon, weightDecay);

        for (int t = 1; t <= 10; t++)
        {
            float[] g = RandomVector(random, length, 1f);
            adam.Step(p, g);
            ReferenceStep(reference, g, m, v, t, lr, beta1, beta2, epsilon, weightDecay);
        }

        for (int i = 0; i < length; i++)
        {
            double tolerance = ReferenceTolerance * Math.Max(1.0, Math.Abs(reference[i]));
            Math.Abs(p[i] - reference[i]).ShouldBeLessThanOrEqualTo(tolerance, $"element {i} of {length}");
        }
    }

    [Theory]
    [MemberData(nameof(LengthsAndSettings))]
    public void SimdPaths_MatchScalarPathBitForBit(int length, float lr, float beta1, float beta2, float epsilon, float weightDecay)
    {
        // Each element's update depends only on that element and t, so one optimizer over the whole vector (SIMD
        // body + tail) must give exactly what one length-1 optimizer per element (scalar path only) gives.
        Random random = new(77 + length);
        float[] p = RandomVector(random, length, 2f);
        float[] pScalar = (float[])p.Clone();
        Adam whole = new(lr, beta1, beta2, epsilon, weightDecay);
        Adam[] perElement = new Adam[length];
        for (int i = 0; i < length; i++)
        {
            perElement[i] = new Adam(lr, beta1, beta2, epsilon, weightDecay);
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

    [Fact]
    public void QuadraticBowl_ConvergesToMinimum()
    {
        // f(p) = sum (p_i - c_i)^2, gradient 2 (p - c); the minimum is p = c.
        float[] c = RandomVector(new Random(7), 17, 3f);
        float[] p = RunBowl(new Adam(learningRate: 0.05f), c, 2000);

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
        float[] p = RunBowl(new Adam(learningRate: 0.05f, weightDecay: 0.5f), c, 2000);

        for (int i = 0; i < c.Length; i++)
        {
            p[i].ShouldBe(0.8f * c[i], 1e-5f);
        }
    }

    // ---- Validation ----

    [Theory]
    [InlineData(0f, 0.9f, 0.999f, 1e-8f, 0f, "learningRate")]
    [InlineData(-1e-3f, 0.9f, 0.999f, 1e-8f, 0f, "learningRate")]
    [InlineData(float.NaN, 0.9f, 0.999f, 1e-8f, 0f, "learningRate")]
    [InlineData(float.PositiveInfinity, 0.9f, 0.999f, 1e-8f, 0f, "learningRate")]
    [InlineData(1e-3f, -0.1f, 0.999f, 1e-8f, 0f, "beta1")]
    [InlineData(1e-3f, 1f, 0.999f, 1e-8f, 0f, "beta1")]
    [InlineData(1e-3f, float.NaN, 0.999f, 1e-8f, 0f, "beta1")]
    [InlineData(1e-3f, 0.9f, -0.1f, 1e-8f, 0f, "beta2")]
    [InlineData(1e-3f, 0.9f, 1f, 1e-8f, 0f, "beta2")]
    [InlineData(1e-3f, 0.9f, float.NaN, 1e-8f, 0f, "beta2")]
    [InlineData(1e-3f, 0.9f, 0.999f, 0f, 0f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, -1e-8f, 0f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, float.NaN, 0f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, float.PositiveInfinity, 0f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, -0.01f, "weightDecay")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, float.NaN, "weightDecay")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, float.PositiveInfinity, "weightDecay")]
    public void Constructor_InvalidArgument_ThrowsArgumentOutOfRange(
        float lr, float beta1, float beta2, float epsilon, float weightDecay, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new Adam(lr, beta1, beta2, epsilon, weightDecay));

        ex.ParamName.ShouldBe(paramName);
    }

    [Fact]
    public void Constructor_BoundaryValues_AreAccepted()
    {
        Adam adam = new(learningRate: float.Epsilon, beta1: 0f, beta2: 0f, epsilon: float.Epsilon, weightDecay: 0f);

        adam.Beta1.ShouldBe(0f);
        adam.Beta2.ShouldBe(0f);
        adam.Epsilon.ShouldBe(float.Epsilon);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void LearningRateSetter_InvalidValue_ThrowsAndKeepsOldValue(float value)
    {
        Adam adam = new(learningRate: 0.5f);

        Should.Throw<ArgumentOutOfRangeException>(() => adam.LearningRate = value);

        adam.LearningRate.ShouldBe(0.5f);
    }

    [Fact]
    public void LearningRateChangedBetweenSteps_NextStepUsesNewRate()
    {
        // Settings of ThreeSteps_MatchHandComputedValues. Step 1 with lr = 0.5 gives p = [2/3, -1.6]; step 2's update
        // with lr = 0.5 would be [0.38804650215800945, -0.08947247428399195], so with lr = 0.25 it is half of that:
        // p = [2/3 - 0.19402325107900472, -1.6 + 0.044736237141995975].
        Adam adam = new(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f);
        float[] p = [1f, -2f];
        adam.Step(p, HandGradients[0]);

        adam.LearningRate = 0.25f;
        adam.Step(p, HandGradients[1]);

        adam.LearningRate.ShouldBe(0.25f);
        ShouldBeClose(p, [0.47264341558766195f, -1.555263762858004f]);
    }

    [Fact]
    public void Step_MismatchedLengths_ThrowsArgumentExceptionNamingBothLengths()
    {
        Adam adam = new();
        float[] p = [1f, 2f, 3f, 4f];

        ArgumentException ex = Should.Throw<ArgumentException>(() => adam.Step(p, new float[5]));

        ex.GetType().ShouldBe(typeof(ArgumentException));
        ex.Message.ShouldContain("4");
        ex.Message.ShouldContain("5");
        p.ShouldBe([1f, 2f, 3f, 4f]);
        adam.StepCount.ShouldBe(0L);
    }

    [Fact]
    public void Step_LengthChangedWithoutReset_ThrowsInvalidOperation_AndWorksAfterReset()
    {
        Adam adam = new(learningRate: 0.1f);
        adam.Step(new float[16], Filled(16, 1f));
        float[] p = Filled(17, 1f);

        InvalidOperationException ex = Should.Throw<InvalidOperationException>(() => adam.Step(p, Filled(17, 1f)));
        ex.Message.ShouldContain("Reset()");
        ex.Message.ShouldContain("16");
        ex.Message.ShouldContain("17");
        p.ShouldBe(Filled(17, 1f));
        adam.StepCount.ShouldBe(1L);

        adam.Reset();
        adam.Step(p, Filled(17, 0.5f));

        float[] expected = Filled(17, 1f);
        new Adam(learningRate: 0.1f).Step(expected, Filled(17, 0.5f));
        p.ShouldBe(expected);
        adam.StepCount.ShouldBe(1L);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void Reset_ThenStepping_MatchesFreshOptimizer(float weightDecay)
    {
        Random random = new(5);
        float[][] gradients = [RandomVector(random, 17, 1f), RandomVector(random, 17, 1f), RandomVector(random, 17, 1f)];
        Adam used = new(learningRate: 0.1f, weightDecay: weightDecay);
        float[] scratch = RandomVector(random, 17, 1f);
        foreach (float[] g in gradients)
        {
            used.Step(scratch, g);
        }

        used.Reset();
        used.StepCount.ShouldBe(0L);
        Adam fresh = new(learningRate: 0.1f, weightDecay: weightDecay);
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
    [InlineData(0f)]
    [InlineData(0.01f)]
    public void Step_AfterWarmUp_DoesNotAllocate(float weightDecay)
    {
        Adam adam = new(weightDecay: weightDecay);
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        adam.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                adam.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    [Fact]
    public void ResetAndStepSameLength_ReusesBuffers_DoesNotAllocate()
    {
        Adam adam = new();
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        adam.Step(p, g);
        adam.Reset();
        adam.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                adam.Reset();
                adam.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    // ---- Helpers ----

    // torch.optim.Adam (amsgrad=False) in double, written as the textbook rule.
    private static void ReferenceStep(
        double[] p, float[] grad, double[] m, double[] v, int t,
        double lr, double beta1, double beta2, double epsilon, double weightDecay)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        for (int i = 0; i < p.Length; i++)
        {
            double g = grad[i] + weightDecay * p[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            p[i] -= lr * (m[i] / biasCorrection1) / (Math.Sqrt(v[i] / biasCorrection2) + epsilon);
        }
    }

    private static float[] RunBowl(Adam adam, float[] c, int steps)
    {
        float[] p = new float[c.Length];
        float[] g = new float[c.Length];
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < c.Length; i++)
            {
                g[i] = 2f * (p[i] - c[i]);
            }

            adam.Step(p, g);
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
