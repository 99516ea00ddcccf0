using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="RMSprop"/> against hand-computed steps, a double-precision reference (torch.optim.RMSprop's rule),
/// argument validation and allocation.
/// </summary>
/// <remarks>
/// Tolerances: hand-computed steps (expected values from double arithmetic) are asserted to 1e-6. The double
/// reference is matched to 2e-6 * max(1, |p|) after 10 steps (the largest error seen over all settings and lengths is
/// about 3.2e-7). The SIMD paths must equal the scalar path bit for bit (tolerance 0): both do the same float
/// operations in the same order.
/// </remarks>
public sealed class RMSpropTests
{
    private const float HandTolerance = 1e-6f;
    private const double ReferenceTolerance = 2e-6;

    // Lengths that exercise every SIMD width and tail: Vector128/256/512 hold 4/8/16 floats.
    private static readonly int[] s_lengths = [1, 7, 8, 9, 15, 16, 17, 33, 1000];

    public static TheoryData<int, float, float, float, float, float, bool> LengthsAndSettings()
    {
        // learningRate, alpha, epsilon, weightDecay, momentum, centered
        (float, float, float, float, float, bool)[] settings =
        [
            (0.01f, 0.99f, 1e-8f, 0f, 0f, false),    // PyTorch defaults
            (0.01f, 0.99f, 1e-8f, 0.01f, 0f, false), // L2 weight decay
            (0.01f, 0.9f, 1e-8f, 0f, 0.9f, false),   // momentum
            (0.01f, 0.9f, 1e-6f, 0f, 0f, true),      // centered
            (0.005f, 0.5f, 1e-3f, 0.1f, 0.5f, true), // everything
        ];
        TheoryData<int, float, float, float, float, float, bool> data = new();
        foreach (int length in s_lengths)
        {
            foreach ((float lr, float alpha, float epsilon, float weightDecay, float momentum, bool centered) in settings)
            {
                data.Add(length, lr, alpha, epsilon, weightDecay, momentum, centered);
            }
        }

        return data;
    }

    // ---- Hand-computed steps (lr = 0.5, alpha = 0.75, eps = 0.25) ----

    private static readonly float[][] HandGradients =
    [
        [0.5f, -1f],
        [1f, 0.25f],
        [-0.5f, 0.5f],
    ];

    [Fact]
    public void Plain_ThreeSteps_MatchHandComputedValues()
    {
        RMSprop rmsprop = new(learningRate: 0.5f, alpha: 0.75f, epsilon: 0.25f);
        float[] p = [1f, -2f];

        // 1: v = 0.25*g^2 = [0.0625, 0.25]; den = sqrt(v) + 0.25 = [0.5, 0.75]; g/den = [1, -4/3]
        //    p = [1 - 0.5*1, -2 + 0.5*4/3] = [0.5, -1.3333333]
        rmsprop.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.5f, -1.3333333333333335f]);

        // 2: v = 0.75*v + 0.25*[1, 0.0625] = [0.296875, 0.203125]; den = [0.5448624 + 0.25, 0.4506939 + 0.25]
        //    = [0.7948624, 0.7006939]; g/den = [1.2580794, 0.3567892]; p = [0.5 - 0.6290397, -1.3333333 - 0.1783946]
        rmsprop.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.12903971827751293f, -1.511727919495999f]);

        // 3: v = 0.75*v + 0.25*[0.25, 0.25] = [0.28515625, 0.21484375]; den = [0.7840002, 0.7135124]
        //    g/den = [-0.6377549, 0.7007586]; p = [-0.1290397 + 0.3188775, -1.5117279 - 0.3503793]
        rmsprop.Step(p, HandGradients[2]);
        ShouldBeClose(p, [0.18983773753424366f, -1.8621072515058106f]);

        rmsprop.StepCount.ShouldBe(3L);
    }

    [Fact]
    public void Momentum_TwoSteps_MatchHandComputedValues()
    {
        RMSprop rmsprop = new(learningRate: 0.5f, alpha: 0.75f, epsilon: 0.25f, momentum: 0.5f);
        float[] p = [1f, -2f];

        // 1: den = [0.5, 0.75] (as in Plain); buf = 0.5*0 + g/den = [1, -4/3]; p = [1 - 0.5, -2 + 2/3] = [0.5, -1.3333333]
        rmsprop.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.5f, -1.3333333333333335f]);

        // 2: den = [0.7948624, 0.7006939]; buf = 0.5*[1, -4/3] + [1.2580794, 0.3567892] = [1.7580794, -0.3098775]
        //    p = [0.5 - 0.5*1.7580794, -1.3333333 + 0.5*0.3098775] = [-0.3790397, -1.1783946]
        rmsprop.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.3790397182775129f, -1.1783945861626657f]);
    }

    [Fact]
    public void Centered_TwoSteps_MatchHandComputedValues()
    {
        RMSprop rmsprop = new(learningRate: 0.5f, alpha: 0.75f, epsilon: 0.25f, centered: true);
        float[] p = [1f, -2f];

        // 1: v = [0.0625, 0.25]; a = 0.25*g = [0.125, -0.25]; v - a^2 = [0.046875, 0.1875]
        //    den = sqrt(v - a^2) + 0.25 = [0.2165064 + 0.25, 0.4330127 + 0.25] = [0.4665064, 0.6830127]
        //    g/den = [1.0717968, -1.4641016]; p = [1 - 0.5358984, -2 + 0.7320508]
        rmsprop.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.4641016151377546f, -1.2679491924311228f]);

        // 2: v = [0.296875, 0.203125]; a = 0.75*a + 0.25*[1, 0.25] = [0.34375, -0.125]; v - a^2 = [0.1787109, 0.1875]
        //    den = [0.4227422 + 0.25, 0.4330127 + 0.25] = [0.6727422, 0.6830127]; g/den = [1.4864536, 0.3660254]
        //    p = [0.4641016 - 0.7432268, -1.2679492 - 0.1830127]
        rmsprop.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.27912517591685826f, -1.4509618943233422f]);
    }

    [Fact]
    public void WeightDecayMomentumCentered_TwoSteps_MatchHandComputedValues()
    {
        RMSprop rmsprop = new(learningRate: 0.5f, alpha: 0.75f, epsilon: 0.25f, weightDecay: 0.5f, momentum: 0.5f, centered: true);
        float[] p = [1f, -2f];

        // 1: g = grad + 0.5*p = [0.5 + 0.5, -1 - 1] = [1, -2]; v = 0.25*g^2 = [0.25, 1]; a = 0.25*g = [0.25, -0.5]
        //    v - a^2 = [0.1875, 0.75]; den = [0.4330127 + 0.25, 0.8660254 + 0.25] = [0.6830127, 1.1160254]
        //    buf = g/den = [1.4641016, -1.7920739]; p = [1 - 0.7320508, -2 + 0.8960370]
        rmsprop.Step(p, HandGradients[0]);
        ShouldBeClose(p, [0.2679491924311227f, -1.1039630490408165f]);

        // 2: g = [1 + 0.5*0.2679492, 0.25 - 0.5*1.1039630] = [1.1339746, -0.3019815]
        //    v = 0.75*[0.25, 1] + 0.25*g^2 = [0.5089746, 0.7727982]; a = 0.75*a + 0.25*g = [0.4709936, -0.4504954]
        //    den = sqrt(v - a^2) + 0.25 = [0.7858541, 1.0048855]; buf = 0.5*buf + g/den = [2.1750345, -1.1965503]
        //    p = [0.2679492 - 1.0875172, -1.1039630 + 0.5982752]
        rmsprop.Step(p, HandGradients[1]);
        ShouldBeClose(p, [-0.8195680550705519f, -0.5056878906991611f]);
    }

    [Fact]
    public void DefaultSettings_FirstStep_MatchesHandComputedValue()
    {
        // lr = 0.01, alpha = 0.99, eps = 1e-8: v = 0.01 * g^2, den = 0.1 * |g| + 1e-8, so the first step moves by about
        // lr * 10 = 0.1 against the gradient sign: p ~= [0.9, -1.9]. Double arithmetic with the float hyperparameters
        // (1 - 0.99f = 0.0099999905): [0.8999999745514399, -1.8999999645514336].
        RMSprop rmsprop = new();
        float[] p = [1f, -2f];

        rmsprop.Step(p, HandGradients[0]);

        ShouldBeClose(p, [0.8999999745514399f, -1.8999999645514336f]);
        rmsprop.LearningRate.ShouldBe(0.01f);
        rmsprop.Alpha.ShouldBe(0.99f);
        rmsprop.Epsilon.ShouldBe(1e-8f);
        rmsprop.WeightDecay.ShouldBe(0f);
        rmsprop.Momentum.ShouldBe(0f);
        rmsprop.Centered.ShouldBeFalse();
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.9f, true)]
    public void ZeroGradient_LeavesParameterUnchanged(float momentum, bool centered)
    {
        // Padding in a parameter block has gradient 0 forever: v = a = buf = 0, so the update 0 / eps is exactly 0.
        RMSprop rmsprop = new(learningRate: 0.1f, momentum: momentum, centered: centered);
        float[] p = new float[33];
        p[5] = 1f;
        float[] g = new float[33];
        g[5] = 0.5f;

        for (int i = 0; i < 10; i++)
        {
            rmsprop.Step(p, g);
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

    [Fact]
    public void Centered_ConstantGradientForManySteps_StaysFinite()
    {
        // With a constant gradient, v - a^2 = g^2 (1 - alpha^t) alpha^t shrinks below the float rounding of v; without
        // the clamp at 0 some elements get sqrt(negative) = NaN (PyTorch does). alpha = 0.5 reaches that in ~30 steps.
        // One optimizer over 67 elements (SIMD body and tail) and one length-1 optimizer per element (scalar path).
        float[] g = new float[67];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = 0.1f + 0.013f * i;
        }

        RMSprop whole = new(learningRate: 1e-3f, alpha: 0.5f, centered: true);
        RMSprop[] perElement = new RMSprop[g.Length];
        for (int i = 0; i < g.Length; i++)
        {
            perElement[i] = new RMSprop(learningRate: 1e-3f, alpha: 0.5f, centered: true);
        }

        float[] p = new float[g.Length];
        float[] pScalar = new float[g.Length];
        for (int step = 0; step < 200; step++)
        {
            whole.Step(p, g);
            for (int i = 0; i < g.Length; i++)
            {
                perElement[i].Step(pScalar.AsSpan(i, 1), g.AsSpan(i, 1));
            }
        }

        for (int i = 0; i < g.Length; i++)
        {
            float.IsFinite(p[i]).ShouldBeTrue($"element {i} (SIMD optimizer)");
            float.IsFinite(pScalar[i]).ShouldBeTrue($"element {i} (scalar optimizer)");
        }
    }

    // ---- Double-precision reference over 10 steps ----

    [Theory]
    [MemberData(nameof(LengthsAndSettings))]
    public void TenSteps_MatchDoubleReference(
        int length, float lr, float alpha, float epsilon, float weightDecay, float momentum, bool centered)
    {
        Random random = new(4321 + length);
        float[] p = RandomVector(random, length, 2f);
        double[] reference = Array.ConvertAll(p, x => (double)x);
        double[] v = new double[length], a = new double[length], buf = new double[length];
        RMSprop rmsprop = new(lr, alpha, epsilon, weightDecay, momentum, centered);

        for (int t = 1; t <= 10; t++)
        {
            float[] g = RandomVector(random, length, 1f);
            rmsprop.Step(p, g);
            ReferenceStep(reference, g, v, a, buf, lr, alpha, epsilon, weightDecay, momentum, centered);
        }

        for (int i = 0; i < length; i++)
        {
            double tolerance = ReferenceTolerance * Math.Max(1.0, Math.Abs(reference[i]));
            Math.Abs(p[i] - reference[i]).ShouldBeLessThanOrEqualTo(tolerance, $"element {i} of {length}");
        }
    }

    [Theory]
    [MemberData(nameof(LengthsAndSettings))]
    public void SimdPaths_MatchScalarPathBitForBit(
        int length, float lr, float alpha, float epsilon, float weightDecay, float momentum, bool centered)
    {
        // Each element's update depends only on that element, so one optimizer over the whole vector (SIMD body +
        // tail) must give exactly what one length-1 optimizer per element (scalar path only) gives.
        Random random = new(77 + length);
        float[] p = RandomVector(random, length, 2f);
        float[] pScalar = (float[])p.Clone();
        RMSprop whole = new(lr, alpha, epsilon, weightDecay, momentum, centered);
        RMSprop[] perElement = new RMSprop[length];
        for (int i = 0; i < length; i++)
        {
            perElement[i] = new RMSprop(lr, alpha, epsilon, weightDecay, momentum, centered);
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
    [InlineData(0f, 0.99f, 1e-8f, 0f, 0f, "learningRate")]
    [InlineData(-0.01f, 0.99f, 1e-8f, 0f, 0f, "learningRate")]
    [InlineData(float.NaN, 0.99f, 1e-8f, 0f, 0f, "learningRate")]
    [InlineData(float.PositiveInfinity, 0.99f, 1e-8f, 0f, 0f, "learningRate")]
    [InlineData(0.01f, -0.1f, 1e-8f, 0f, 0f, "alpha")]
    [InlineData(0.01f, 1f, 1e-8f, 0f, 0f, "alpha")]
    [InlineData(0.01f, float.NaN, 1e-8f, 0f, 0f, "alpha")]
    [InlineData(0.01f, 0.99f, 0f, 0f, 0f, "epsilon")]
    [InlineData(0.01f, 0.99f, -1e-8f, 0f, 0f, "epsilon")]
    [InlineData(0.01f, 0.99f, float.NaN, 0f, 0f, "epsilon")]
    [InlineData(0.01f, 0.99f, float.PositiveInfinity, 0f, 0f, "epsilon")]
    [InlineData(0.01f, 0.99f, 1e-8f, -0.01f, 0f, "weightDecay")]
    [InlineData(0.01f, 0.99f, 1e-8f, float.NaN, 0f, "weightDecay")]
    [InlineData(0.01f, 0.99f, 1e-8f, float.PositiveInfinity, 0f, "weightDecay")]
    [InlineData(0.01f, 0.99f, 1e-8f, 0f, -0.1f, "momentum")]
    [InlineData(0.01f, 0.99f, 1e-8f, 0f, 1f, "momentum")]
    [InlineData(0.01f, 0.99f, 1e-8f, 0f, float.NaN, "momentum")]
    public void Constructor_InvalidArgument_ThrowsArgumentOutOfRange(
        float lr, float alpha, float epsilon, float weightDecay, float momentum, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(
            () => new RMSprop(lr, alpha, epsilon, weightDecay, momentum));

        ex.ParamName.ShouldBe(paramName);
    }

    [Fact]
    public void Constructor_BoundaryValues_AreAccepted()
    {
        RMSprop rmsprop = new(learningRate: float.Epsilon, alpha: 0f, epsilon: float.Epsilon, weightDecay: 0f, momentum: 0f, centered: true);

        rmsprop.Alpha.ShouldBe(0f);
        rmsprop.Epsilon.ShouldBe(float.Epsilon);
        rmsprop.Momentum.ShouldBe(0f);
        rmsprop.Centered.ShouldBeTrue();
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void LearningRateSetter_InvalidValue_ThrowsAndKeepsOldValue(float value)
    {
        RMSprop rmsprop = new(learningRate: 0.5f);

        Should.Throw<ArgumentOutOfRangeException>(() => rmsprop.LearningRate = value);

        rmsprop.LearningRate.ShouldBe(0.5f);
    }

    [Fact]
    public void LearningRateChangedBetweenSteps_NextStepUsesNewRate()
    {
        // Settings of Plain_ThreeSteps_MatchHandComputedValues. Step 1 with lr = 0.5 gives p = [0.5, -1.3333333];
        // step 2's g/den is [1.2580794, 0.3567892], so with lr = 0.25: p = [0.5 - 0.3145199, -1.3333333 - 0.0891973].
        RMSprop rmsprop = new(learningRate: 0.5f, alpha: 0.75f, epsilon: 0.25f);
        float[] p = [1f, -2f];
        rmsprop.Step(p, HandGradients[0]);

        rmsprop.LearningRate = 0.25f;
        rmsprop.Step(p, HandGradients[1]);

        rmsprop.LearningRate.ShouldBe(0.25f);
        ShouldBeClose(p, [0.18548014086124354f, -1.4225306264146661f]);
    }

    [Fact]
    public void Step_MismatchedLengths_ThrowsArgumentExceptionNamingBothLengths()
    {
        RMSprop rmsprop = new();
        float[] p = [1f, 2f, 3f, 4f];

        ArgumentException ex = Should.Throw<ArgumentException>(() => rmsprop.Step(p, new float[5]));

        ex.GetType().ShouldBe(typeof(ArgumentException));
        ex.Message.ShouldContain("4");
        ex.Message.ShouldContain("5");
        p.ShouldBe([1f, 2f, 3f, 4f]);
        rmsprop.StepCount.ShouldBe(0L);
    }

    [Fact]
    public void Step_LengthChangedWithoutReset_ThrowsInvalidOperation_AndWorksAfterReset()
    {
        RMSprop rmsprop = new(learningRate: 0.1f, momentum: 0.5f, centered: true);
        rmsprop.Step(new float[16], Filled(16, 1f));
        float[] p = Filled(17, 1f);

        InvalidOperationException ex = Should.Throw<InvalidOperationException>(() => rmsprop.Step(p, Filled(17, 1f)));
        ex.Message.ShouldContain("RMSprop");
        ex.Message.ShouldContain("Reset()");
        ex.Message.ShouldContain("16");
        ex.Message.ShouldContain("17");
        p.ShouldBe(Filled(17, 1f));
        rmsprop.StepCount.ShouldBe(1L);

        rmsprop.Reset();
        rmsprop.Step(p, Filled(17, 0.5f));

        float[] expected = Filled(17, 1f);
        new RMSprop(learningRate: 0.1f, momentum: 0.5f, centered: true).Step(expected, Filled(17, 0.5f));
        p.ShouldBe(expected);
        rmsprop.StepCount.ShouldBe(1L);
    }

    [Theory]
    [InlineData(0f, 0f, false)]
    [InlineData(0.1f, 0.9f, true)]
    public void Reset_ThenStepping_MatchesFreshOptimizer(float weightDecay, float momentum, bool centered)
    {
        Random random = new(5);
        float[][] gradients = [RandomVector(random, 17, 1f), RandomVector(random, 17, 1f), RandomVector(random, 17, 1f)];
        RMSprop used = new(learningRate: 0.1f, weightDecay: weightDecay, momentum: momentum, centered: centered);
        float[] scratch = RandomVector(random, 17, 1f);
        foreach (float[] g in gradients)
        {
            used.Step(scratch, g);
        }

        used.Reset();
        used.StepCount.ShouldBe(0L);
        RMSprop fresh = new(learningRate: 0.1f, weightDecay: weightDecay, momentum: momentum, centered: centered);
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
    [InlineData(0f, 0f, false)]
    [InlineData(0.01f, 0.9f, true)]
    public void Step_AfterWarmUp_DoesNotAllocate(float weightDecay, float momentum, bool centered)
    {
        RMSprop rmsprop = new(weightDecay: weightDecay, momentum: momentum, centered: centered);
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        rmsprop.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                rmsprop.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    [Fact]
    public void ResetAndStepSameLength_ReusesBuffers_DoesNotAllocate()
    {
        RMSprop rmsprop = new(momentum: 0.9f, centered: true);
        float[] p = Filled(1000, 1f), g = Filled(1000, 0.5f);
        rmsprop.Step(p, g);
        rmsprop.Reset();
        rmsprop.Step(p, g);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                rmsprop.Reset();
                rmsprop.Step(p, g);
            }
        }, iterationsPerWindow: 1);
    }

    // ---- Helpers ----

    // torch.optim.RMSprop in double, written as PyTorch's _single_tensor_rmsprop.
    private static void ReferenceStep(
        double[] p, float[] grad, double[] v, double[] a, double[] buf,
        double lr, double alpha, double epsilon, double weightDecay, double momentum, bool centered)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = grad[i] + weightDecay * p[i];
            v[i] = alpha * v[i] + (1 - alpha) * g * g;
            double avg;
            if (centered)
            {
                a[i] += (1 - alpha) * (g - a[i]); // grad_avg.lerp_(grad, 1 - alpha)
                avg = Math.Sqrt(v[i] - a[i] * a[i]) + epsilon;
            }
            else
            {
                avg = Math.Sqrt(v[i]) + epsilon;
            }

            if (momentum > 0)
            {
                buf[i] = momentum * buf[i] + g / avg;
                p[i] -= lr * buf[i];
            }
            else
            {
                p[i] -= lr * g / avg;
            }
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
