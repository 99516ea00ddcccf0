using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="StepDecay"/>, <see cref="ExponentialDecay"/> and <see cref="CosineAnnealing"/> against hand-computed
/// values and against PyTorch's closed forms evaluated in double, plus validation and allocation.
/// </summary>
/// <remarks>
/// Tolerances: hand-computed values use powers of 2 and are exact (tolerance 0). The closed forms are evaluated in
/// double with PyTorch's double hyperparameters (gamma = 0.1, not 0.1f) and compared with a relative tolerance of
/// 1e-7 * (2 + k), where k is the number of factors of gamma: the schedule rounds its double result to float once
/// (relative 6e-8) and holds gamma as a float, whose relative error (at most 6e-8) is raised to the power k.
/// Cosine annealing involves no power and is compared to a relative 2e-7.
/// </remarks>
public sealed class LearningRateScheduleTests
{
    // ---- StepDecay ----

    [Fact]
    public void StepDecay_HalvesEveryThreeEpochs()
    {
        // lr = 0.8 * 0.5^floor(epoch / 3); 0.8f * 2^-k is exact in float.
        StepDecay schedule = new(stepSize: 3, gamma: 0.5f);
        float[] expected = [0.8f, 0.8f, 0.8f, 0.4f, 0.4f, 0.4f, 0.2f, 0.2f, 0.2f, 0.1f];

        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            schedule.GetLearningRate(epoch, 0.8f).ShouldBe(expected[epoch], $"epoch {epoch}");
        }

        schedule.StepSize.ShouldBe(3);
        schedule.Gamma.ShouldBe(0.5f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(29)]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(59)]
    [InlineData(60)]
    [InlineData(95)]
    [InlineData(299)]
    [InlineData(300)]
    public void StepDecay_MatchesClosedForm(int epoch)
    {
        // PyTorch StepLR: base_lr * gamma ** (last_epoch // step_size).
        const double baseLearningRate = 0.05;
        int k = epoch / 30;
        double expected = baseLearningRate * Math.Pow(0.1, k);

        float actual = new StepDecay(stepSize: 30, gamma: 0.1f).GetLearningRate(epoch, 0.05f);

        ShouldBeRelativelyClose(actual, expected, 1e-7 * (2 + k));
    }

    [Fact]
    public void StepDecay_GammaOne_IsConstant()
    {
        StepDecay schedule = new(stepSize: 1, gamma: 1f);

        schedule.GetLearningRate(0, 0.3f).ShouldBe(0.3f);
        schedule.GetLearningRate(1000, 0.3f).ShouldBe(0.3f);
    }

    [Theory]
    [InlineData(0, 0.5f, "stepSize")]
    [InlineData(-1, 0.5f, "stepSize")]
    [InlineData(1, 0f, "gamma")]
    [InlineData(1, -0.5f, "gamma")]
    [InlineData(1, 1.5f, "gamma")]
    [InlineData(1, float.NaN, "gamma")]
    [InlineData(1, float.PositiveInfinity, "gamma")]
    public void StepDecay_InvalidArgument_ThrowsArgumentOutOfRange(int stepSize, float gamma, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new StepDecay(stepSize, gamma));

        ex.ParamName.ShouldBe(paramName);
    }

    // ---- ExponentialDecay ----

    [Fact]
    public void ExponentialDecay_HalvesEveryEpoch()
    {
        // lr = 1.5 * 0.5^epoch, exact in float.
        ExponentialDecay schedule = new(gamma: 0.5f);
        float[] expected = [1.5f, 0.75f, 0.375f, 0.1875f, 0.09375f];

        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            schedule.GetLearningRate(epoch, 1.5f).ShouldBe(expected[epoch], $"epoch {epoch}");
        }

        schedule.Gamma.ShouldBe(0.5f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(100)]
    public void ExponentialDecay_MatchesClosedForm(int epoch)
    {
        // PyTorch ExponentialLR: base_lr * gamma ** last_epoch.
        double expected = 0.01 * Math.Pow(0.9, epoch);

        float actual = new ExponentialDecay(gamma: 0.9f).GetLearningRate(epoch, 0.01f);

        ShouldBeRelativelyClose(actual, expected, 1e-7 * (2 + epoch));
    }

    [Fact]
    public void ExponentialDecay_VeryLongDecay_UnderflowsToZero_NeverNegativeOrNaN()
    {
        // 0.5^200 = 6e-61 is below the smallest float (1.4e-45): the documented result is 0.
        ExponentialDecay schedule = new(gamma: 0.5f);

        schedule.GetLearningRate(149, 1f).ShouldBe(float.Epsilon); // 2^-149, the smallest positive float
        schedule.GetLearningRate(200, 1f).ShouldBe(0f);
        schedule.GetLearningRate(int.MaxValue, 1f).ShouldBe(0f);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ExponentialDecay_InvalidGamma_ThrowsArgumentOutOfRange(float gamma)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new ExponentialDecay(gamma));

        ex.ParamName.ShouldBe("gamma");
    }

    // ---- CosineAnnealing ----

    [Fact]
    public void CosineAnnealing_FourEpochs_MatchesHandComputedValues()
    {
        // lr = (1 + cos(pi * epoch / 4)) / 2 with base 1, min 0:
        // 0: 1; 1: (1 + 0.7071068) / 2 = 0.8535534; 2: (1 + 0) / 2 = 0.5; 3: (1 - 0.7071068) / 2 = 0.1464466; 4: 0.
        // Past maxEpochs the closed form rises again: 5: same as 3; 6: 0.5; 8: cos(2 pi) = 1, back to base.
        CosineAnnealing schedule = new(maxEpochs: 4);
        float[] expected = [1f, 0.8535533905932737f, 0.5f, 0.14644660940672627f, 0f, 0.14644660940672627f, 0.5f, 0.8535533905932737f, 1f];

        for (int epoch = 0; epoch < expected.Length; epoch++)
        {
            schedule.GetLearningRate(epoch, 1f).ShouldBe(expected[epoch], 1e-7f, $"epoch {epoch}");
        }

        schedule.GetLearningRate(4, 1f).ShouldBe(0f); // exactly the minimum
        schedule.MaxEpochs.ShouldBe(4);
        schedule.MinLearningRate.ShouldBe(0f);
    }

    [Fact]
    public void CosineAnnealing_WithMinimum_EndsExactlyAtMinimum()
    {
        // min = 0.01, base = 0.1: at epoch 10, min + (0.1 - 0.01) * (1 + cos(pi)) / 2 = min exactly; at epoch 5 the
        // midpoint (0.1 + 0.01) / 2 = 0.055.
        CosineAnnealing schedule = new(maxEpochs: 10, minLearningRate: 0.01f);

        schedule.GetLearningRate(10, 0.1f).ShouldBe(0.01f);
        schedule.GetLearningRate(5, 0.1f).ShouldBe(0.055f, 1e-8f);
        schedule.GetLearningRate(0, 0.1f).ShouldBe(0.1f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(25)]
    [InlineData(49)]
    [InlineData(50)]
    [InlineData(51)]
    [InlineData(75)]
    [InlineData(100)]
    [InlineData(1234)]
    public void CosineAnnealing_MatchesClosedForm(int epoch)
    {
        // PyTorch CosineAnnealingLR._get_closed_form_lr:
        // eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T_max)) / 2.
        double etaMin = 0.001f, baseLearningRate = 0.1f;
        double expected = etaMin + (baseLearningRate - etaMin) * (1 + Math.Cos(Math.PI * epoch / 50)) / 2;

        float actual = new CosineAnnealing(maxEpochs: 50, minLearningRate: 0.001f).GetLearningRate(epoch, 0.1f);

        ShouldBeRelativelyClose(actual, expected, 2e-7);
    }

    [Theory]
    [InlineData(0, 0f, "maxEpochs")]
    [InlineData(-5, 0f, "maxEpochs")]
    [InlineData(10, -0.1f, "minLearningRate")]
    [InlineData(10, float.NaN, "minLearningRate")]
    [InlineData(10, float.PositiveInfinity, "minLearningRate")]
    public void CosineAnnealing_InvalidArgument_ThrowsArgumentOutOfRange(int maxEpochs, float minLearningRate, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => new CosineAnnealing(maxEpochs, minLearningRate));

        ex.ParamName.ShouldBe(paramName);
    }

    // ---- Shared: GetLearningRate validation and allocation ----

    public static TheoryData<string> ScheduleNames() => new() { "step", "exponential", "cosine" };

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void GetLearningRate_NegativeEpoch_ThrowsArgumentOutOfRange(string name)
    {
        ILearningRateSchedule schedule = Create(name);

        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => schedule.GetLearningRate(-1, 0.1f));

        ex.ParamName.ShouldBe("epoch");
    }

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void GetLearningRate_InvalidBaseLearningRate_ThrowsArgumentOutOfRange(string name)
    {
        ILearningRateSchedule schedule = Create(name);

        foreach (float baseLearningRate in new[] { 0f, -0.1f, float.NaN, float.PositiveInfinity })
        {
            ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(
                () => schedule.GetLearningRate(3, baseLearningRate));
            ex.ParamName.ShouldBe("baseLearningRate");
        }
    }

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void GetLearningRate_EpochZero_ReturnsBaseLearningRate(string name)
    {
        Create(name).GetLearningRate(0, 0.123f).ShouldBe(0.123f);
    }

    [Theory]
    [MemberData(nameof(ScheduleNames))]
    public void GetLearningRate_DoesNotAllocate(string name)
    {
        ILearningRateSchedule schedule = Create(name);
        float sum = schedule.GetLearningRate(1, 0.1f);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int epoch = 0; epoch < 1000; epoch++)
            {
                sum += schedule.GetLearningRate(epoch, 0.1f);
            }
        }, iterationsPerWindow: 1);
        sum.ShouldBeGreaterThan(0f);
    }

    // ---- Helpers ----

    private static ILearningRateSchedule Create(string name) => name switch
    {
        "step" => new StepDecay(stepSize: 2, gamma: 0.5f),
        "exponential" => new ExponentialDecay(gamma: 0.95f),
        "cosine" => new CosineAnnealing(maxEpochs: 20, minLearningRate: 0.001f),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown schedule."),
    };

    private static void ShouldBeRelativelyClose(float actual, double expected, double relativeTolerance)
    {
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(
            relativeTolerance * Math.Abs(expected), $"actual {actual:R}, expected {expected:R}");
    }
}
