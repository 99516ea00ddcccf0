using System;
using StaticNN.Optimizers;

namespace StaticNN.Tests.Optimizers;

/// <summary>
/// <see cref="ReduceOnPlateau"/> stepped epoch by epoch against traces of PyTorch's ReduceLROnPlateau rule (patience,
/// cooldown, minimum rate, eps, thresholds, modes, NaN), plus defaults, validation, Reset and allocation.
/// </summary>
/// <remarks>
/// Tolerances: none. The traces use factor 0.5 (exact in float) or state the float rounding of
/// <c>(float)(lr * 0.1f)</c>, so every expected learning rate and counter is compared exactly.
/// </remarks>
public sealed class ReduceOnPlateauTests
{
    [Fact]
    public void Patience_ReducesOnThePatiencePlusFirstConsecutiveBadEpoch()
    {
        // patience = 2, factor = 0.5, mode min, relative threshold 1e-4:
        // 1.0 improves on +inf; 0.9 < 1.0 * 0.9999 improves; then 0.95 three times: bad = 1, 2, 3 > 2 -> lr 0.5, bad = 0;
        // three more bad epochs -> lr 0.25.
        ReduceOnPlateau plateau = new(factor: 0.5f, patience: 2);
        float[] metrics = [1.0f, 0.9f, 0.95f, 0.95f, 0.95f, 0.95f, 0.95f, 0.95f];
        float[] expectedLr = [1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.25f];
        int[] expectedBad = [0, 0, 1, 2, 0, 1, 2, 0];

        Run(plateau, metrics, expectedLr, expectedBad, expectedCooldown: new int[metrics.Length]);

        plateau.Best.ShouldBe(0.9f);
    }

    [Fact]
    public void Improvement_ResetsTheBadEpochCount()
    {
        // patience = 2, default factor 0.1: bad = 1, 2, then 0.5 improves (bad = 0), then bad = 1, 2, 3 -> reduce.
        // The new rate is (float)(1.0 * 0.1f) = 0.1f.
        ReduceOnPlateau plateau = new(patience: 2);
        float[] metrics = [1f, 1f, 1f, 0.5f, 1f, 1f, 1f];
        float[] expectedLr = [1f, 1f, 1f, 1f, 1f, 1f, 0.1f];
        int[] expectedBad = [0, 1, 2, 0, 1, 2, 0];

        Run(plateau, metrics, expectedLr, expectedBad, expectedCooldown: new int[metrics.Length]);

        plateau.Best.ShouldBe(0.5f);
    }

    [Fact]
    public void Cooldown_IgnoresBadEpochsAfterAReduction()
    {
        // patience = 1, cooldown = 2, factor = 0.5, constant metric:
        // e1 improves; e2 bad 1; e3 bad 2 > 1 -> lr 0.5, cooldown 2, bad 0;
        // e4 bad 1 but cooldown 2 -> 1 and bad reset to 0; e5 likewise, cooldown 0; e6 bad 1; e7 bad 2 -> lr 0.25.
        ReduceOnPlateau plateau = new(factor: 0.5f, patience: 1, cooldown: 2);
        float[] metrics = [1f, 1f, 1f, 1f, 1f, 1f, 1f];
        float[] expectedLr = [1f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.25f];
        int[] expectedBad = [0, 1, 0, 0, 0, 1, 0];
        int[] expectedCooldown = [0, 0, 2, 1, 0, 0, 2];

        Run(plateau, metrics, expectedLr, expectedBad, expectedCooldown);
    }

    [Fact]
    public void NoCooldown_ReducesEveryPatiencePlusOneEpochs()
    {
        // The same run as Cooldown_IgnoresBadEpochsAfterAReduction with cooldown 0: reductions at e3, e5, e7.
        ReduceOnPlateau plateau = new(factor: 0.5f, patience: 1);
        float[] metrics = [1f, 1f, 1f, 1f, 1f, 1f, 1f];
        float[] expectedLr = [1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f];
        int[] expectedBad = [0, 1, 0, 1, 0, 1, 0];

        Run(plateau, metrics, expectedLr, expectedBad, expectedCooldown: new int[metrics.Length]);
    }

    [Fact]
    public void MinLearningRate_IsALowerBound_AndReductionsBelowItAreSkipped()
    {
        // patience = 0, factor 0.1, min 0.05: e2 -> max(1 * 0.1, 0.05) = 0.1f; e3 -> max(0.01, 0.05) = 0.05f;
        // e4 -> max(0.005, 0.05) = 0.05: old - new = 0 is not > eps, so the rate stays 0.05f.
        ReduceOnPlateau plateau = new(patience: 0, minLearningRate: 0.05f);
        float[] metrics = [1f, 1f, 1f, 1f];
        float[] expectedLr = [1f, 0.1f, 0.05f, 0.05f];
        int[] expectedBad = [0, 0, 0, 0];

        Run(plateau, metrics, expectedLr, expectedBad, expectedCooldown: new int[metrics.Length]);
    }

    [Fact]
    public void RepeatedDefaultFactor_RoundsEachReductionToFloat()
    {
        // Two reductions by 0.1f: (float)(1.0 * 0.1f) = 0.1f, then (float)(0.1f * 0.1f) = 0.010000000707805157
        // (the double product 0.0100000003 rounds up, so this is not 0.01f = 0.0099999998).
        ReduceOnPlateau plateau = new(patience: 0);
        float lr = plateau.Update(1f, 1f);
        lr = plateau.Update(1f, lr);
        lr.ShouldBe(0.1f);

        lr = plateau.Update(1f, lr);

        lr.ShouldBe(0.010000000707805157f);
        lr.ShouldNotBe(0.01f);
    }

    [Fact]
    public void Epsilon_SkipsReductionsSmallerThanIt_ButStillStartsCooldown()
    {
        // lr = 1.5e-8, factor 0.5: the reduction would be 7.5e-9 <= eps = 1e-8, so the rate is kept (PyTorch's eps),
        // but the counters are reset and the cooldown starts as after a real reduction.
        ReduceOnPlateau plateau = new(factor: 0.5f, patience: 0, cooldown: 3);
        plateau.Update(1f, 1.5e-8f).ShouldBe(1.5e-8f);

        plateau.Update(1f, 1.5e-8f).ShouldBe(1.5e-8f);

        plateau.BadEpochCount.ShouldBe(0);
        plateau.CooldownCounter.ShouldBe(3);

        // With eps = 0 the same reduction is applied: 1.5e-8 * 0.5 = 7.5e-9.
        ReduceOnPlateau noEpsilon = new(factor: 0.5f, patience: 0, epsilon: 0f);
        noEpsilon.Update(1f, 1.5e-8f);
        noEpsilon.Update(1f, 1.5e-8f).ShouldBe(7.5e-9f);
    }

    [Fact]
    public void RelativeThreshold_RequiresImprovementByAFractionOfBest()
    {
        // Default threshold 1e-4 relative, mode min: best = 1 needs a metric < 1 * (1 - 1e-4) = 0.9999.
        ReduceOnPlateau plateau = new(patience: 5);
        plateau.Update(1f, 1f);

        plateau.Update(0.99995f, 1f); // not below 0.9999
        plateau.Best.ShouldBe(1f);
        plateau.BadEpochCount.ShouldBe(1);

        plateau.Update(0.9998f, 1f); // below 0.9999
        plateau.Best.ShouldBe(0.9998f);
        plateau.BadEpochCount.ShouldBe(0);
    }

    [Fact]
    public void AbsoluteThreshold_RequiresImprovementByThreshold()
    {
        // threshold 0.1 absolute, mode min: best = 1 needs a metric < 1 - 0.1 = 0.9.
        ReduceOnPlateau plateau = new(patience: 5, threshold: 0.1f, thresholdMode: PlateauThresholdMode.Absolute);
        plateau.Update(1f, 1f);

        plateau.Update(0.95f, 1f);
        plateau.Best.ShouldBe(1f);
        plateau.BadEpochCount.ShouldBe(1);

        plateau.Update(0.85f, 1f);
        plateau.Best.ShouldBe(0.85f);
        plateau.BadEpochCount.ShouldBe(0);
    }

    [Fact]
    public void MaxMode_HigherIsBetter()
    {
        // mode max, patience 1, factor 0.5, relative threshold: best starts at -inf; 0.5 and then 0.6 > 0.5 * 1.0001
        // improve; a falling metric counts as bad: 0.55 (bad 1), 0.4 (bad 2 > 1) -> lr 0.5.
        ReduceOnPlateau plateau = new(mode: PlateauMode.Max, factor: 0.5f, patience: 1);
        plateau.Best.ShouldBe(float.NegativeInfinity);
        float[] metrics = [0.5f, 0.6f, 0.55f, 0.4f];
        float[] expectedLr = [1f, 1f, 1f, 0.5f];
        int[] expectedBad = [0, 0, 1, 0];

        Run(plateau, metrics, expectedLr, expectedBad, expectedCooldown: new int[metrics.Length]);

        plateau.Best.ShouldBe(0.6f);
    }

    [Fact]
    public void MaxMode_RelativeThreshold_RequiresIncreaseByAFractionOfBest()
    {
        // Default threshold 1e-4 relative, mode max: best = 1 needs a metric > 1 * (1 + 1e-4) = 1.0001.
        ReduceOnPlateau plateau = new(mode: PlateauMode.Max, patience: 5);
        plateau.Update(1f, 1f);

        plateau.Update(1.00005f, 1f); // not above 1.0001
        plateau.Best.ShouldBe(1f);
        plateau.BadEpochCount.ShouldBe(1);

        plateau.Update(1.0002f, 1f);
        plateau.Best.ShouldBe(1.0002f);
        plateau.BadEpochCount.ShouldBe(0);
    }

    [Fact]
    public void MaxMode_AbsoluteThreshold_RequiresIncreaseByThreshold()
    {
        ReduceOnPlateau plateau = new(mode: PlateauMode.Max, patience: 5, threshold: 0.1f, thresholdMode: PlateauThresholdMode.Absolute);
        plateau.Update(0.5f, 1f);

        plateau.Update(0.55f, 1f); // not above 0.5 + 0.1
        plateau.Best.ShouldBe(0.5f);

        plateau.Update(0.65f, 1f);
        plateau.Best.ShouldBe(0.65f);
    }

    [Theory]
    [InlineData(PlateauMode.Min)]
    [InlineData(PlateauMode.Max)]
    public void NaNMetric_CountsAsBadEpoch_AndNeverBecomesBest(PlateauMode mode)
    {
        ReduceOnPlateau plateau = new(mode: mode, factor: 0.5f, patience: 0);
        plateau.Update(1f, 1f).ShouldBe(1f);

        plateau.Update(float.NaN, 1f).ShouldBe(0.5f);

        plateau.Best.ShouldBe(1f);
    }

    [Fact]
    public void Defaults_MatchPyTorch_AndReduceAfterElevenBadEpochs()
    {
        ReduceOnPlateau plateau = new();

        plateau.Mode.ShouldBe(PlateauMode.Min);
        plateau.Factor.ShouldBe(0.1f);
        plateau.Patience.ShouldBe(10);
        plateau.Threshold.ShouldBe(1e-4f);
        plateau.ThresholdMode.ShouldBe(PlateauThresholdMode.Relative);
        plateau.Cooldown.ShouldBe(0);
        plateau.MinLearningRate.ShouldBe(0f);
        plateau.Epsilon.ShouldBe(1e-8f);
        plateau.Best.ShouldBe(float.PositiveInfinity);
        plateau.BadEpochCount.ShouldBe(0);
        plateau.CooldownCounter.ShouldBe(0);

        // One improvement, then 10 bad epochs are tolerated; the 11th reduces 0.5 to (float)(0.5 * 0.1f) = 0.05f.
        float lr = plateau.Update(2f, 0.5f);
        for (int epoch = 0; epoch < 10; epoch++)
        {
            lr = plateau.Update(2f, lr);
            lr.ShouldBe(0.5f);
        }

        plateau.Update(2f, lr).ShouldBe(0.05f);
    }

    [Fact]
    public void Reset_ForgetsHistory_AndThenBehavesLikeNew()
    {
        ReduceOnPlateau used = new(factor: 0.5f, patience: 1, cooldown: 2);
        float lr = 1f;
        foreach (float metric in new[] { 1f, 2f, 2f, 2f })
        {
            lr = used.Update(metric, lr);
        }

        used.CooldownCounter.ShouldBe(1);
        used.Reset();

        used.Best.ShouldBe(float.PositiveInfinity);
        used.BadEpochCount.ShouldBe(0);
        used.CooldownCounter.ShouldBe(0);
        ReduceOnPlateau fresh = new(factor: 0.5f, patience: 1, cooldown: 2);
        foreach (float metric in new[] { 5f, 6f, 6f, 4f, 6f, 6f, 6f })
        {
            used.Update(metric, 1f).ShouldBe(fresh.Update(metric, 1f));
            used.Best.ShouldBe(fresh.Best);
            used.BadEpochCount.ShouldBe(fresh.BadEpochCount);
            used.CooldownCounter.ShouldBe(fresh.CooldownCounter);
        }
    }

    [Fact]
    public void Reset_MaxMode_BestGoesBackToNegativeInfinity()
    {
        ReduceOnPlateau plateau = new(mode: PlateauMode.Max);
        plateau.Update(0.7f, 1f);
        plateau.Best.ShouldBe(0.7f);

        plateau.Reset();

        plateau.Best.ShouldBe(float.NegativeInfinity);
    }

    // ---- Validation ----

    public static TheoryData<string, string> InvalidArguments() => new()
    {
        { "mode", "mode" },
        { "factor0", "factor" },
        { "factor1", "factor" },
        { "factorNegative", "factor" },
        { "factorNaN", "factor" },
        { "patience", "patience" },
        { "thresholdNegative", "threshold" },
        { "thresholdNaN", "threshold" },
        { "thresholdRelativeOne", "threshold" },
        { "thresholdAbsoluteInfinity", "threshold" },
        { "thresholdMode", "thresholdMode" },
        { "cooldown", "cooldown" },
        { "minLearningRateNegative", "minLearningRate" },
        { "minLearningRateNaN", "minLearningRate" },
        { "minLearningRateInfinity", "minLearningRate" },
        { "epsilonNegative", "epsilon" },
        { "epsilonNaN", "epsilon" },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Constructor_InvalidArgument_ThrowsArgumentOutOfRange(string @case, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => CreateInvalid(@case));

        ex.ParamName.ShouldBe(paramName);
    }

    [Fact]
    public void Constructor_BoundaryValues_AreAccepted()
    {
        ReduceOnPlateau plateau = new(
            factor: float.Epsilon, patience: 0, threshold: 0f, cooldown: 0, minLearningRate: 0f, epsilon: 0f);
        ReduceOnPlateau absolute = new(threshold: 5f, thresholdMode: PlateauThresholdMode.Absolute);

        plateau.Factor.ShouldBe(float.Epsilon);
        plateau.Threshold.ShouldBe(0f);
        absolute.Threshold.ShouldBe(5f);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Update_InvalidCurrentLearningRate_ThrowsAndLeavesStateUnchanged(float currentLearningRate)
    {
        ReduceOnPlateau plateau = new(patience: 3);
        plateau.Update(1f, 1f);
        plateau.Update(2f, 1f);

        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => plateau.Update(0.5f, currentLearningRate));

        ex.ParamName.ShouldBe("currentLearningRate");
        plateau.Best.ShouldBe(1f);
        plateau.BadEpochCount.ShouldBe(1);
    }

    // ---- Allocation ----

    [Fact]
    public void Update_DoesNotAllocate()
    {
        ReduceOnPlateau plateau = new(factor: 0.5f, patience: 2, cooldown: 1, minLearningRate: 1e-6f);
        float lr = plateau.Update(1f, 1f);

        // Zero bytes in at least one of several windows: a real allocation shows in every window, the
        // runtime's own one-off bookkeeping on this thread does not.
        StaticNN.Tests.Infrastructure.AllocationAssert.NoneAfterWarmUp(() =>
        {
            for (int epoch = 0; epoch < 1000; epoch++)
            {
                lr = plateau.Update(1f + (epoch % 7) * 0.01f, lr);
            }
        }, iterationsPerWindow: 1);
        lr.ShouldBe(1e-6f);
    }

    // ---- Helpers ----

    // Feeds the metrics one epoch at a time, passing back the returned rate, starting from lr = 1, and checks the rate
    // and both counters after every epoch.
    private static void Run(ReduceOnPlateau plateau, float[] metrics, float[] expectedLr, int[] expectedBad, int[] expectedCooldown)
    {
        float lr = 1f;
        for (int epoch = 0; epoch < metrics.Length; epoch++)
        {
            lr = plateau.Update(metrics[epoch], lr);
            lr.ShouldBe(expectedLr[epoch], $"learning rate after epoch {epoch + 1}");
            plateau.BadEpochCount.ShouldBe(expectedBad[epoch], $"bad epochs after epoch {epoch + 1}");
            plateau.CooldownCounter.ShouldBe(expectedCooldown[epoch], $"cooldown after epoch {epoch + 1}");
        }
    }

    private static ReduceOnPlateau CreateInvalid(string @case) => @case switch
    {
        "mode" => new ReduceOnPlateau(mode: (PlateauMode)7),
        "factor0" => new ReduceOnPlateau(factor: 0f),
        "factor1" => new ReduceOnPlateau(factor: 1f),
        "factorNegative" => new ReduceOnPlateau(factor: -0.5f),
        "factorNaN" => new ReduceOnPlateau(factor: float.NaN),
        "patience" => new ReduceOnPlateau(patience: -1),
        "thresholdNegative" => new ReduceOnPlateau(threshold: -1e-4f),
        "thresholdNaN" => new ReduceOnPlateau(threshold: float.NaN),
        "thresholdRelativeOne" => new ReduceOnPlateau(threshold: 1f),
        "thresholdAbsoluteInfinity" => new ReduceOnPlateau(threshold: float.PositiveInfinity, thresholdMode: PlateauThresholdMode.Absolute),
        "thresholdMode" => new ReduceOnPlateau(thresholdMode: (PlateauThresholdMode)7),
        "cooldown" => new ReduceOnPlateau(cooldown: -1),
        "minLearningRateNegative" => new ReduceOnPlateau(minLearningRate: -1e-3f),
        "minLearningRateNaN" => new ReduceOnPlateau(minLearningRate: float.NaN),
        "minLearningRateInfinity" => new ReduceOnPlateau(minLearningRate: float.PositiveInfinity),
        "epsilonNegative" => new ReduceOnPlateau(epsilon: -1e-8f),
        "epsilonNaN" => new ReduceOnPlateau(epsilon: float.NaN),
        _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, "Unknown case."),
    };
}
