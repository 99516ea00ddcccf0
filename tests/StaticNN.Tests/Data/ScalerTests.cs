using System;
using StaticNN.Data;

namespace StaticNN.Tests.Data;

public sealed class ScalerTests
{
    // 3 samples x 3 features; feature 2 is constant.
    private static Dataset Training() => new([
        1f, -2f, 7f,
        3f, 0f, 7f,
        5f, 4f, 7f], 3, [0, 1, 0], 2, ["a", "b"]);

    private static Dataset Other() => new([
        2f, 10f, 8f,
        -1f, 1f, 7f], 3, [1f, 2f], 1);

    [Fact]
    public void MinMax_FitsPerFeatureMinAndMax()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit(Training());

        scaler.IsFitted.ShouldBeTrue();
        scaler.Min.ToArray().ShouldBe([1f, -2f, 7f]);
        scaler.Max.ToArray().ShouldBe([5f, 4f, 7f]);
    }

    [Fact]
    public void MinMax_FitTransformMapsTrainingRangeToUnitInterval_ConstantFeatureToZero()
    {
        Dataset scaled = new MinMaxScaler().FitTransform(Training());

        scaled.Features.ToArray().ShouldBe([
            0f, 0f, 0f,
            0.5f, 1f / 3f, 0f,
            1f, 1f, 0f], tolerance: 1e-6f);
        scaled.Labels.ToArray().ShouldBe([0, 1, 0]);
        scaled.ClassNames.ShouldBe(["a", "b"]);
    }

    [Fact]
    public void MinMax_TransformOfOtherDataUsesTrainingStatistics()
    {
        var scaler = new MinMaxScaler(-1f, 1f);
        scaler.Fit(Training());

        Dataset scaled = scaler.Transform(Other());

        // feature 0: (x-1)/4*2-1; feature 1: (x+2)/6*2-1; constant feature 2: x-7-1 (scale 1).
        scaled.Features.ToArray().ShouldBe([
            -0.5f, 3f, 0f,
            -2f, 0f, -1f], tolerance: 1e-6f);
        scaled.Targets.ToArray().ShouldBe([1f, 2f]);
        Other().Features[0].ShouldBe(2f); // the input is not modified
    }

    [Fact]
    public void MinMax_SpanTransformMatchesDatasetTransformAndDoesNotAllocate()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit(Training());
        float[] input = Other().Features.ToArray();
        float[] output = new float[input.Length];
        scaler.Transform(input, output);
        long before = GC.GetAllocatedBytesForCurrentThread();

        scaler.Transform(input, output);

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0L);
        output.ShouldBe(scaler.Transform(Other()).Features.ToArray());
    }

    [Fact]
    public void Standard_FitsMeanAndPopulationStdDev()
    {
        var scaler = new StandardScaler();
        scaler.Fit(Training());

        scaler.Mean.ToArray().ShouldBe([3f, 2f / 3f, 7f], tolerance: 1e-6f);
        // population std: feature 0 sqrt(8/3), feature 1 sqrt(((-8/3)^2 + (-2/3)^2 + (10/3)^2)/3) = sqrt(56/9)
        scaler.StdDev.ToArray().ShouldBe([MathF.Sqrt(8f / 3f), MathF.Sqrt(56f / 9f), 0f], tolerance: 1e-6f);
        scaler.Scale.ToArray().ShouldBe([MathF.Sqrt(8f / 3f), MathF.Sqrt(56f / 9f), 1f], tolerance: 1e-6f);
    }

    [Fact]
    public void Standard_FitTransformGivesZeroMeanUnitVariance_ConstantFeatureExactlyZero()
    {
        Dataset scaled = new StandardScaler().FitTransform(Training());

        for (int j = 0; j < 2; j++)
        {
            float mean = 0, squares = 0;
            for (int i = 0; i < 3; i++) mean += scaled.GetFeatures(i)[j] / 3f;
            for (int i = 0; i < 3; i++) squares += (scaled.GetFeatures(i)[j] - mean) * (scaled.GetFeatures(i)[j] - mean) / 3f;
            mean.ShouldBe(0f, 1e-6f);
            squares.ShouldBe(1f, 1e-5f);
        }
        for (int i = 0; i < 3; i++)
        {
            scaled.GetFeatures(i)[2].ShouldBe(0f);
        }
    }

    [Fact]
    public void Standard_TransformOfOtherDataUsesTrainingStatistics()
    {
        var scaler = new StandardScaler();
        scaler.Fit(Training());

        Dataset scaled = scaler.Transform(Other());

        float s0 = MathF.Sqrt(8f / 3f), s1 = MathF.Sqrt(56f / 9f);
        scaled.Features.ToArray().ShouldBe([
            (2f - 3f) / s0, (10f - 2f / 3f) / s1, 1f,
            (-1f - 3f) / s0, (1f - 2f / 3f) / s1, 0f], tolerance: 1e-5f);
    }

    [Fact]
    public void ConstantFeatureWithInexactMean_StaysFinite()
    {
        var data = new Dataset([0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f], 1, [0f, 0f, 0f, 0f, 0f, 0f, 0f], 1);

        float[] standard = new StandardScaler().FitTransform(data).Features.ToArray();
        float[] minMax = new MinMaxScaler().FitTransform(data).Features.ToArray();

        standard.ShouldAllBe(v => v == 0f);
        minMax.ShouldAllBe(v => v == 0f);
    }

    [Fact]
    public void Scalers_RejectUnfittedUseWrongSizesAndNonFiniteData()
    {
        Should.Throw<InvalidOperationException>(() => new StandardScaler().Transform(Training()));
        Should.Throw<InvalidOperationException>(() => new MinMaxScaler().Transform(Training()));

        var scaler = new StandardScaler();
        scaler.Fit(Training());
        Should.Throw<ArgumentException>(() => scaler.Transform(new Dataset([1f, 2f], 2, [0f], 1)));

        var bad = new Dataset([1f, float.NaN], 2, [0f], 1);
        Should.Throw<ArgumentException>(() => new MinMaxScaler().Fit(bad)).Message.ShouldContain("Feature 1 of sample 0");
        Should.Throw<ArgumentOutOfRangeException>(() => new MinMaxScaler(1f, 1f));
    }

    [Fact]
    public void OneHot_TurnsLabelsIntoTargetRows()
    {
        Dataset oneHot = OneHot.ToOneHot(new Dataset([1f, 2f, 3f], 1, [2, 0, 1], 3));

        oneHot.HasLabels.ShouldBeFalse();
        oneHot.TargetSize.ShouldBe(3);
        oneHot.Targets.ToArray().ShouldBe([0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f]);
        oneHot.Features.ToArray().ShouldBe([1f, 2f, 3f]);
    }

    [Fact]
    public void OneHot_RejectsFloatTargets()
    {
        Should.Throw<ArgumentException>(() => OneHot.ToOneHot(new Dataset([1f], 1, [0f], 1)));
    }
}
