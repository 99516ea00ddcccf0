using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="AdamW"/> against hand-computed steps, a double-precision reference (torch.optim.AdamW's rule),
/// <see cref="Adam"/> (weight decay 0), argument validation and allocation.
/// </summary>
/// <remarks>
/// Tolerances: hand-computed steps (expected values from double arithmetic) are asserted to 1e-6. The double
/// reference is matched to 2e-6 * max(1, |p|) after 10 steps (the largest error seen is about 7.4e-7, with the
/// default settings: the decay factor 1 - 1e-5 is rounded to float, as in PyTorch). The SIMD paths must equal the
/// scalar path bit for bit, and AdamW with weight decay 0 must equal Adam bit for bit (tolerance 0): the same float
/// operations run in the same order. A parameter with zero gradient must follow the float recurrence
/// p = p * (1 - lr * wd) exactly.
/// </remarks>
public sealed class AdamWTests
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
            (1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f), // PyTorch defaults
            (0.01f, 0.9f, 0.999f, 1e-8f, 0f),    // no decay (Adam)
            (0.01f, 0.9f, 0.999f, 1e-8f, 0.1f),
            (0.05f, 0.5f, 0.75f, 1e-3f, 2f),     // lr * wd = 0.1
            (0.02f, 0f, 0.99f, 1e-6f, 0.5f),     // beta1 = 0
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
        // lr = 0.5, beta1 = 0.5, beta2 = 0.75, eps = 0.25, wd = 0.5: every step first multiplies p by
        // 1 - lr * wd = 0.75, then applies the Adam update lr * mhat / (sqrt(vhat) + eps), which does not depend on p
        // (the decay never reaches the moments), so the updates are those of AdamTests.ThreeSteps_MatchHandComputedValues.
        AdamW adamW = new(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f, weightDecay: 0.5f);
        float[] p = [1f, -2f];

        // t=1: p = 0.75 * [1, -2] = [0.75, -1.5]; m = [0.25, -0.5], v = [0.0625, 0.25]; mhat = [0.5, -1], vhat = [0.25, 1]
        //      update = 0.5*[0.5/(0.5+0.25), -1/(1+0.25)] = [1/3, -0.4]; p = [0.75 - 1/3, -1.5 + 0.4] = [0.4166667, -1.1]
        adamW.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.4166666666666667f, -1.1f]);

        // t=2: p = 0.75 * [0.4166667, -1.1] = [0.3125, -0.825]
        //      m = [0.625, -0.125]; v = [0.296875, 0.203125]; mhat = m/0.75, vhat = v/0.4375
        //      update = [0.3880465, -0.0894725]; p = [0.3125 - 0.3880465, -0.825 + 0.0894725]
        adamW.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.07554650215800945f, -0.7355275257160081f]);

        // t=3: p = 0.75 * [-0.0755465, -0.7355275] = [-0.0566599, -0.5516456]
        //      m = [0.0625, 0.1875]; v = [0.28515625, 0.21484375]; mhat = m/0.875, vhat = v/0.578125
        //      update = [0.0375027, 0.1246416]; p = [-0.0566599 - 0.0375027, -0.5516456 - 0.1246416]
        adamW.Step(p, HandGradients[2]);
        ShouldBeClose(p, [-0.0941625610339078f, -0.676287209975811f]);

        adamW.StepCount.ShouldBe(3L);
    }

    [Fact]
    public void DefaultSettings_FirstStep_DecaysThenMovesByLearningRateAgainstGradientSign()
    {
        // Defaults lr = 1e-3, wd = 0.01: p = p * (1 - 1e-5), then the first Adam step moves by ~1e-3 * sign(g):
        // [1 * 0.99999 - 0.001, -2 * 0.99999 + 0.001] = [0.99899, -1.99898] (double arithmetic with the float
        // hyperparameters: [0.9989899999722511, -1.9989799999619997]).
        AdamW adamW = new();
        float[] p = [1f, -2f];

        adamW.Step(p, HandGradients[0]);

        ShouldBeClose(p, [0.9989899999722511f, -1.9989799999619997f]);
        adamW.LearningRate.ShouldBe(1e-3f);
        adamW.Beta1.ShouldBe(0.9f);
        adamW.Beta2.ShouldBe(0.999f);
        adamW.Epsilon.ShouldBe(1e-8f);
        adamW.WeightDecay.ShouldBe(0.01f);
    }

    [Fact]
    public void ZeroGradient_OnlyDecaysTheParameter()
    {
        // Gradient 0 forever: m = v = 0, so the Adam update is 0 / eps = 0 and only the decay acts:
        // p_t = p_(t-1) * (1 - 0.1 * 0.5) = p_(t-1) * 0.95 in float, every step.
        AdamW adamW = new(learningRate: 0.1f, weightDecay: 0.5f);
        float[] p = new float[33];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = i - 16;
        }

        float[] expected = (float[])p.Clone();
        float[] g = new float[33];

        for (int step = 0; step < 10; step++)
        {
            adamW.Step(p, g);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] *= 0.95f;
            }
        }

        p.ShouldBe(expected);
        p[0].ShouldBe(-16f * MathF.Pow(0.95f, 10), 1e-5f); // about -9.58
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(1000)]
    public void ZeroWeightDecay_MatchesAdamBitForBit(int length)
    {
        Random random = new(99 + length);
        float[] p = RandomVector(random, length, 2f);
        float[] q = (float[])p.Clone();
        AdamW adamW = new(learningRate: 0.01f, weightDecay: 0f);
        Adam adam = new(learningRate: 0.01f);

        for (int step = 0; step < 10; step++)
        {
            float[] g = RandomVector(random, length, 1f);
            adamW.Step(p, g);
            adam.Step(q, g);
        }

        for (int i = 0; i < length; i++)
        {
            BitConverter.SingleToInt32Bits(p[i]).ShouldBe(BitConverter.SingleToInt32Bits(q[i]), $"element {i}");
        }
    }

    [Fact]
    public void WeightDecay_IsDecoupled_NotAddedToTheGradient()
    {
        // Same settings, one step: Adam's L2 (g = grad + wd * p) and AdamW's decay must give different results.
        // Adam: g = [1, -2] -> update [0.4, -0.4444444] -> p = [0.6, -1.5555556] (AdamTests.WeightDecay_TwoSteps_...)
        // AdamW: p = [0.75, -1.5] then update [1/3, -0.4] -> p = [0.4166667, -1.1]
        float[] pAdam = [1f, -2f], pAdamW = [1f, -2f];
        new Adam(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f, weightDecay: 0.5f).Step(pAdam, HandGradients[0]);
        new AdamW(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f, weightDecay: 0.5f).Step(pAdamW, HandGradients[0]);

        ShouldBeClose(pAdam, [0.6f, -1.5555555555555556f]);
        ShouldBeClose(pAdamW, [0.4166666666666667f, -1.1f]);
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
        AdamW adamW = new(lr, beta1, beta2, epsilon, weightDecay);

        for (int t = 1; t <= 10; t++)
        {
            float[] g = RandomVector(random, length, 1f);
            adamW.Step(p, g);
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
        AdamW whole = new(lr, beta1, beta2, epsilon, weightDecay);
        AdamW[] perElement = new AdamW[length];
        for (int i = 0; i < length; i++)
        {
            perElement[i] = new AdamW(lr, beta1, beta2, epsilon, weightDecay);
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

    // ---- Validation ----

    [Theory]
    [InlineData(0f, 0.9f, 0.999f, 1e-8f, 0.01f, "learningRate")]
    [InlineData(-1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, "learningRate")]
    [InlineData(float.NaN, 0.9f, 0.999f, 1e-8f, 0.01f, "learningRate")]
    [InlineData(float.PositiveInfinity, 0.9f, 0.999f, 1e-8f, 0.01f, "learningRate")]
    [InlineData(1e-3f, -0.1f, 0.999f, 1e-8f, 0.01f, "beta1")]
    [InlineData(1e-3f, 1f, 0.999f, 1e-8f, 0.01f, "beta1")]
    [InlineData(1e-3f, float.NaN, 0.999f, 1e-8f, 0.01f, "beta1")]
    [InlineData(1e-3f, 0.9f, -0.1f, 1e-8f, 0.01f, "beta2")]
    [InlineData(1e-3f, 0.9f, 1f, 1e-8f, 0.01f, "beta2")]
    [InlineData(1e-3f, 0.9f, float.NaN, 1e-8f, 0.01f, "beta2")]
    [InlineData(1e-3f, 0.9f, 0.999f, 0f, 0.01f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, -1e-8f, 0.01f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, float.NaN, 0.01f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, float.PositiveInfinity, 0.01f, "epsilon")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, -0.01f, "weightDecay")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, float.NaN, "weightDecay")]
    [InlineData(1e-3f, 0.9f, 0.999f, 1e-8f, float.PositiveInfinity, "weightDecay")]
    public void Constructor_InvalidArgument_ThrowsArgumentOutOfRange(
        float lr, float beta1, float beta2, float epsilon, float weightDecay, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new AdamW(lr, beta1, beta2, epsilon, weightDecay));

        ex.ParamName.ShouldBe(paramName);
    }

    [Fact]
    public void Constructor_BoundaryValues_AreAccepted()
    {
        AdamW adamW = new(learningRate: float.Epsilon, beta1: 0f, beta2: 0f, epsilon: float.Epsilon, weightDecay: 0f);

        adamW.Beta1.ShouldBe(0f);
        adamW.Beta2.ShouldBe(0f);
        adamW.Epsilon.ShouldBe(float.Epsilon);
        adamW.WeightDecay.ShouldBe(0f);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void LearningRateSetter_InvalidValue_ThrowsAndKeepsOldValue(float value)
    {
        AdamW adamW = new(learningRate: 0.5f);

        Should.Throw<ArgumentOutOfRangeException>(() => adamW.LearningRate = value);

        adamW.LearningRate.ShouldBe(0.5f);
    }

    [Fact]
    public void LearningRateChangedBetweenSteps_NextStepUsesNewRateForUpdateAndDecay()
    {
        // Settings of ThreeSteps_MatchHandComputedValues; step 1 with lr = 0.5 gives p = [0.4166667, -1.1].
        // Step 2 with lr = 0.25: decay factor 1 - 0.25 * 0.5 = 0.875, so p = [0.3645833, -0.9625]; the Adam update is
        // half of the lr = 0.5 one: [0.1940233, -0.0447362]; p = [0.3645833 - 0.1940233, -0.9625 + 0.0447362].
        AdamW adamW = new(learningRate: 0.5f, beta1: 0.5f, beta2: 0.75f, epsilon: 0.25f, weightDecay: 0.5f);
        float[] p = [1f, -2f];
        adamW.Step(p, HandGradients[0]);

        adamW.LearningRate = 0.25f;
        adamW.Step(p, HandGradients[1]);

        adamW.LearningRate.ShouldBe(0.25f);
        ShouldBeClose(p, [0.17056008225432862f, -0.917763762858004f]);
    }

    [Fact]
    public void Step_MismatchedLengths_ThrowsArgumentExceptionNamingBothLengths()
    {
        AdamW adamW = new();
        float[] p = [1f, 2f, 3f, 4f];

        ArgumentException ex = Should.Throw<ArgumentException>(() => adamW.Step(p, new float[5]));

        ex.GetType().ShouldBe(typeof(ArgumentException));
        ex.Message.ShouldContain("4");
        ex.Message.ShouldContain("5");
        p.ShouldBe([1f, 2f, 3f, 4f]);
        adamW.StepCount.ShouldBe(0L);
    }

    [Fact]
    public void Step_LengthChangedWithoutReset_ThrowsInvalidOperation_AndWorksAfterReset()
    {
        AdamW adamW = new(learningRate: 0.1f);
        adamW.Step(new float[16], Filled(16, 1f));
        float[] p = Filled(17, 1f);

        InvalidOperationException ex = Should.Throw<InvalidOperationException>(() => adamW.Step(p, Filled(17, 1f)));
        ex.Message.ShouldContain("AdamW");
        ex.Message.ShouldContain("Reset()");
        ex.Message.ShouldContain("16");
        ex.Message.ShouldContain("17");
        p.ShouldBe(Filled(17, 1f));
        adamW.StepCount.ShouldBe(1L);

        adamW.Reset();
        adamW.Step(p, Filled(17, 0.5f));

        float[] expected = Filled(17, 1f);
        new AdamW(learningRate: 0.1f).Step(expected, Filled(17, 0.5f));
        p.ShouldBe(expected);
        adamW.StepCount.ShouldBe(1L);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void Reset_ThenStepping_MatchesFreshOptimizer(float weightDecay)
    {
        Random random = new(5);
        float[][] gradients = [RandomVector(random, 17, 1f), RandomVector(random, 17, 1f), RandomVector(random, 17, 1f)];
        AdamW used = new(learningRate: 0.1f, weightDecay: weightDecay);
        float[] scratch = RandomVector(random, 17, 1f);
        foreach (float[] g in gradients)
        {
            used.Step(scratch, g);
        }

        used.Reset();
        used.StepCount.ShouldBe(0L);
        AdamW fresh = new(learningRate: 0.1f, weightDecay: weightDecay);
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
        AdamW adamW = new(weightDecay: weightDecay);
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        adamW.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                adamW.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    [Fact]
    public void ResetAndStepSameLength_ReusesBuffers_DoesNotAllocate()
    {
        AdamW adamW = new();
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        adamW.Step(p, g);
        adamW.Reset();
        adamW.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                adamW.Reset();
                adamW.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    // ---- Helpers ----

    // torch.optim.AdamW (amsgrad=False) in double: decoupled decay, then the textbook Adam rule.
    private static void ReferenceStep(
        double[] p, float[] grad, double[] m, double[] v, int t,
        double lr, double beta1, double beta2, double epsilon, double weightDecay)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        for (int i = 0; i < p.Length; i++)
        {
            p[i] -= lr * weightDecay * p[i];
            double g = grad[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            p[i] -= lr * (m[i] / biasCorrection1) / (Math.Sqrt(v[i] / biasCorrection2) + epsilon);
        }
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
