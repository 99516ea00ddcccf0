using System;
using StaticNN.Losses;

namespace StaticNN.Tests.Losses;

/// <summary>
/// Tests of <see cref="LossKernels"/> against a naive double-precision reference kept here, central finite differences,
/// and the kernels' contracts (padding, empty delta, labels, validation, no allocation).
/// </summary>
public sealed class LossKernelsTests
{
    public enum LossKind
    {
        MeanSquaredError,
        MeanAbsoluteError,
        BinaryCrossEntropy,
        SoftmaxCrossEntropy,
    }

    public enum TargetForm
    {
        Dense,
        Labels,
    }

    // Loss: |L - L_ref| <= LossTolerance * max(1, |L_ref|). The kernels compute in double and round once to float,
    // so the error is a few float ulps.
    private const double LossTolerance = 1e-6;

    // Delta, scaled by the mean's count n (so that values are O(1)):
    // |n d - n d_ref| <= DeltaTolerance * max(1, |n d_ref|).
    private const double DeltaTolerance = 1e-6;

    // Finite differences of the double reference loss, compared after scaling by n as well (see the test).
    private const double FiniteDifferenceStep = 1e-3;
    private const double FiniteDifferenceTolerance = 1e-2;

    private static readonly int[] Widths = [1, 3, 7, 8, 9, 15, 16, 17, 33];
    private static readonly int[] RowCounts = [1, 2, 5];
    private static readonly LossKind[] Kinds =
        [LossKind.MeanSquaredError, LossKind.MeanAbsoluteError, LossKind.BinaryCrossEntropy, LossKind.SoftmaxCrossEntropy];
    private static readonly TargetForm[] Forms = [TargetForm.Dense, TargetForm.Labels];
    private static readonly LossKind[] LogitKinds = [LossKind.BinaryCrossEntropy, LossKind.SoftmaxCrossEntropy];
    private static readonly int[] ExtremeWidths = [1, 3, 7, 17];
    private static readonly int[] EdgeWidths = [1, 3];

    public static TheoryData<LossKind, TargetForm, int, int> AllShapes()
    {
        var data = new TheoryData<LossKind, TargetForm, int, int>();
        foreach (LossKind kind in Kinds)
        {
            foreach (TargetForm form in Forms)
            {
                foreach (int width in Widths)
                {
                    foreach (int rows in RowCounts)
                    {
                        data.Add(kind, form, width, rows);
                    }
                }
            }
        }
        return data;
    }

    public static TheoryData<LossKind, TargetForm> AllLosses()
    {
        var data = new TheoryData<LossKind, TargetForm>();
        foreach (LossKind kind in Kinds)
        {
            foreach (TargetForm form in Forms)
            {
                data.Add(kind, form);
            }
        }
        return data;
    }

    public static TheoryData<LossKind, int, int> AllKindsWidthsRows()
    {
        var data = new TheoryData<LossKind, int, int>();
        foreach (LossKind kind in Kinds)
        {
            foreach (int width in Widths)
            {
                foreach (int rows in RowCounts)
                {
                    data.Add(kind, width, rows);
                }
            }
        }
        return data;
    }

    public static TheoryData<LossKind, TargetForm, int> LogitLossesWithWidths()
    {
        var data = new TheoryData<LossKind, TargetForm, int>();
        foreach (LossKind kind in LogitKinds)
        {
            foreach (TargetForm form in Forms)
            {
                foreach (int width in ExtremeWidths)
                {
                    data.Add(kind, form, width);
                }
            }
        }
        return data;
    }

    public static TheoryData<LossKind, int, int> OutOfRangeLabels()
    {
        var data = new TheoryData<LossKind, int, int>();
        foreach (LossKind kind in Kinds)
        {
            data.Add(kind, 3, -1);
            data.Add(kind, 3, 3);
            data.Add(kind, 33, 33);
            data.Add(kind, 33, int.MinValue);
            data.Add(kind, 1, 2);
            data.Add(kind, 1, -1);
        }
        return data;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reference and finite differences

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void LossAndDelta_MatchDoubleReference(LossKind kind, TargetForm form, int width, int rows)
    {
        Batch batch = Batch.Create(kind, form, rows, width, Seed(kind, form, rows, width));
        float[] delta = batch.NewDelta(float.NaN);

        float loss = batch.Run(delta);

        double[] y = batch.LogicalOutputs();
        double[] t = batch.DenseTargetsAsDouble();
        AssertClose(loss, ReferenceLoss(kind, y, t, rows, width), LossTolerance, $"{batch} loss");
        AssertDeltaMatches(batch, delta, ReferenceGradient(kind, y, t, rows, width));
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Delta_MatchesFiniteDifferencesOfDoubleLoss(LossKind kind, TargetForm form, int width, int rows)
    {
        Batch batch = Batch.Create(kind, form, rows, width, Seed(kind, form, rows, width));
        float[] delta = batch.NewDelta(float.NaN);
        batch.Run(delta);

        double[] y = batch.LogicalOutputs();
        double[] t = batch.DenseTargetsAsDouble();
        // The tolerance 1e-2 * max(1, |g|, |g_fd|) is applied to the gradient of the *summed* loss (both sides times the
        // mean's count n). On the mean itself, |g| is about 1/n and the absolute floor of 1e-2 would let a wrong delta
        // pass; the scaled check is stricter and implies the unscaled one.
        double n = MeanCount(kind, rows, width);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                int i = r * width + j;
                double saved = y[i];
                y[i] = saved + FiniteDifferenceStep;
                double plus = ReferenceLoss(kind, y, t, rows, width);
                y[i] = saved - FiniteDifferenceStep;
                double minus = ReferenceLoss(kind, y, t, rows, width);
                y[i] = saved;

                double gFd = n * (plus - minus) / (2 * FiniteDifferenceStep);
                double g = n * delta[r * batch.Stride + j];
                double limit = FiniteDifferenceTolerance * Math.Max(1.0, Math.Max(Math.Abs(g), Math.Abs(gFd)));
                (Math.Abs(g - gFd) <= limit).ShouldBeTrue(
                    $"{batch} [{r},{j}]: n*delta {g:R}, n*finite difference {gFd:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(LogitLossesWithWidths))]
    public void ExtremeLogits_GiveFiniteLossAndDeltaMatchingReference(LossKind kind, TargetForm form, int width)
    {
        float[] extremes = kind == LossKind.BinaryCrossEntropy
            ? [1e4f, -1e4f, 88f, -88f, 87.5f, -88.5f, 0f, 1e30f, -1e30f, float.MaxValue, -float.MaxValue]
            : [1e4f, -1e4f, 88f, -88f, 87.5f, -88.5f, 0f, 1e30f, -1e30f];
        const int rows = 8;
        Batch batch = Batch.Create(kind, form, rows, width, Seed(kind, form, rows, width) + 7);
        var random = new Random(width);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                batch.Outputs[r * batch.Stride + j] = r switch
                {
                    0 => 1e4f,   // the whole row at +1e4 (softmax: loss sum_j t_j log(width))
                    1 => -1e4f,  // the whole row at -1e4
                    2 => j % 2 == 0 ? 88f : -88f,
                    3 => 1e30f,  // log(width) must survive next to max = 1e30
                    4 => j % 2 == 0 ? -1e30f : 1e30f,
                    _ => extremes[random.Next(extremes.Length)],
                };
            }
        }
        float[] delta = batch.NewDelta(float.NaN);

        float loss = batch.Run(delta);

        float.IsFinite(loss).ShouldBeTrue($"{batch} loss {loss}");
        for (int i = 0; i < delta.Length; i++)
        {
            float.IsFinite(delta[i]).ShouldBeTrue($"{batch} delta[{i}] = {delta[i]}");
        }
        double[] y = batch.LogicalOutputs();
        double[] t = batch.DenseTargetsAsDouble();
        AssertClose(loss, ReferenceLoss(kind, y, t, rows, width), LossTolerance, $"{batch} loss");
        AssertDeltaMatches(batch, delta, ReferenceGradient(kind, y, t, rows, width));

        // Row by row as well: in the batch mean, a row whose loss is ~1e30 hides an error in a row whose loss is ~1.
        for (int r = 0; r < rows; r++)
        {
            int stride = batch.Stride;
            float[] rowDelta = new float[stride];
            float rowLoss = Invoke(
                kind, form, batch.Outputs.AsSpan(r * stride, stride), batch.Targets.AsSpan(r * width, width),
                batch.Labels.AsSpan(form == TargetForm.Labels ? r : 0, form == TargetForm.Labels ? 1 : 0), 1, stride, width, rowDelta);
            double[] rowY = y.AsSpan(r * width, width).ToArray();
            double[] rowT = t.AsSpan(r * width, width).ToArray();
            AssertClose(rowLoss, ReferenceLoss(kind, rowY, rowT, 1, width), LossTolerance, $"{batch} row {r} loss");
            double[] rowG = ReferenceGradient(kind, rowY, rowT, 1, width);
            double n = MeanCount(kind, 1, width);
            for (int j = 0; j < width; j++)
            {
                AssertClose(n * rowDelta[j], n * rowG[j], DeltaTolerance, $"{batch} row {r} n*delta[{j}]");
            }
        }
    }

    [Theory]
    [InlineData(LossKind.BinaryCrossEntropy, TargetForm.Dense)]
    [InlineData(LossKind.BinaryCrossEntropy, TargetForm.Labels)]
    [InlineData(LossKind.SoftmaxCrossEntropy, TargetForm.Dense)]
    [InlineData(LossKind.SoftmaxCrossEntropy, TargetForm.Labels)]
    public void ConfidentCorrectLogits_TinyLossIsRelativelyAccurate(LossKind kind, TargetForm form)
    {
        // Margin 17: exp(-17) = 4.1e-8 is below float epsilon / 2, so log(1 + exp(-17)) computed as a float log of a
        // float 1 + x gives 0 (BCE), and a float sum of the exponentials loses most of the softmax loss of ~1.7e-7.
        // The loss must still be accurate relative to its own size, not only to 1.
        const float margin = 17f;
        const int rows = 3;
        const int width = 5;
        Batch batch = Batch.Create(kind, TargetForm.Labels, rows, width, Seed(kind, form, rows, width));
        for (int r = 0; r < rows; r++)
        {
            batch.Labels[r] = (2 * r + 1) % width;
            for (int j = 0; j < width; j++)
            {
                bool isLabel = j == batch.Labels[r];
                batch.Outputs[r * batch.Stride + j] = isLabel ? margin : kind == LossKind.BinaryCrossEntropy ? -margin : 0f;
            }
        }
        Batch toRun = form == TargetForm.Labels ? batch : batch.AsDense();

        float loss = toRun.Run(toRun.NewDelta(0f));

        double expected = ReferenceLoss(kind, toRun.LogicalOutputs(), toRun.DenseTargetsAsDouble(), rows, width);
        expected.ShouldBeGreaterThan(1e-8);
        double relativeError = Math.Abs(loss - expected) / expected;
        (relativeError <= 1e-5).ShouldBeTrue($"{toRun} loss {loss:R}, expected {expected:R}, relative error {relativeError:R}");
    }

    [Fact]
    public void MeanAbsoluteError_DeltaIsZeroWhereOutputEqualsTarget()
    {
        const int rows = 2;
        const int width = 3;
        const int stride = 16;
        float[] outputs = new float[rows * stride];
        float[] targets = [1f, 2f, 3f, -1f, 0.5f, 0f];
        float[] y = [1f, 2.5f, 2f, -1f, 0.5f, 0f]; // ties at [0,0], [1,0], [1,1], [1,2]
        for (int r = 0; r < rows; r++)
        {
            y.AsSpan(r * width, width).CopyTo(outputs.AsSpan(r * stride));
        }
        float[] delta = new float[rows * stride];
        delta.AsSpan().Fill(float.NaN);

        float loss = LossKernels.MeanAbsoluteError(outputs, targets, rows, stride, width, delta);

        loss.ShouldBe(0.25f, 1e-7f); // |y - t| = 0, 0.5, 1, 0, 0, 0
        float step = 1f / 6f;
        delta[0].ShouldBe(0f);
        delta[1].ShouldBe(step);
        delta[2].ShouldBe(-step);
        delta[stride].ShouldBe(0f);
        delta[stride + 1].ShouldBe(0f);
        delta[stride + 2].ShouldBe(0f);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Layout contracts

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void PaddingLanes_AreZeroedInDeltaAndIgnoredInOutputs(LossKind kind, TargetForm form, int width, int rows)
    {
        Batch batch = Batch.Create(kind, form, rows, width, Seed(kind, form, rows, width));
        // Batch.Create leaves the output padding lanes at NaN; a delta full of NaN must come back with zero padding.
        float[] delta = batch.NewDelta(float.NaN);
        float loss = batch.Run(delta);

        float.IsFinite(loss).ShouldBeTrue($"{batch} loss {loss}");
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < batch.Stride; j++)
            {
                float d = delta[r * batch.Stride + j];
                if (j < width)
                {
                    float.IsFinite(d).ShouldBeTrue($"{batch} delta[{r},{j}] = {d}");
                }
                else
                {
                    BitConverter.SingleToInt32Bits(d).ShouldBe(0, $"{batch} padding delta[{r},{j}] = {d}");
                }
            }
        }

        // Different garbage in the output padding changes nothing.
        for (int r = 0; r < rows; r++)
        {
            batch.Outputs.AsSpan(r * batch.Stride + width, batch.Stride - width).Fill(-3e38f);
        }
        float[] delta2 = batch.NewDelta(12345f);
        BitConverter.SingleToInt32Bits(batch.Run(delta2)).ShouldBe(BitConverter.SingleToInt32Bits(loss), $"{batch} loss");
        AssertBitwiseEqual(delta2, delta, $"{batch} delta");
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void EmptyDelta_ComputesTheSameLoss(LossKind kind, TargetForm form, int width, int rows)
    {
        Batch batch = Batch.Create(kind, form, rows, width, Seed(kind, form, rows, width));
        float withDelta = batch.Run(batch.NewDelta(0f));

        float lossOnly = batch.Run(Span<float>.Empty);

        BitConverter.SingleToInt32Bits(lossOnly).ShouldBe(BitConverter.SingleToInt32Bits(withDelta), $"{batch}: {lossOnly} vs {withDelta}");
        AssertClose(lossOnly, ReferenceLoss(kind, batch.LogicalOutputs(), batch.DenseTargetsAsDouble(), rows, width), LossTolerance, $"{batch} loss");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Labels

    [Theory]
    [MemberData(nameof(AllKindsWidthsRows))]
    public void OneHotLabels_GiveBitIdenticalResultsToDenseOneHotTargets(LossKind kind, int width, int rows)
    {
        Batch labelled = Batch.Create(kind, TargetForm.Labels, rows, width, Seed(kind, TargetForm.Labels, rows, width));
        // Same outputs; Targets already holds the one-hot (or, for width 1, 0/1) rows the labels stand for.
        Batch dense = labelled.AsDense();
        float[] labelDelta = labelled.NewDelta(float.NaN);
        float[] denseDelta = dense.NewDelta(float.NaN);

        float labelLoss = labelled.Run(labelDelta);
        float denseLoss = dense.Run(denseDelta);

        BitConverter.SingleToInt32Bits(labelLoss).ShouldBe(BitConverter.SingleToInt32Bits(denseLoss), $"{labelled}: {labelLoss} vs {denseLoss}");
        AssertBitwiseEqual(labelDelta, denseDelta, $"{labelled} delta");
    }

    [Theory]
    [MemberData(nameof(OutOfRangeLabels))]
    public void LabelOutOfRange_ThrowsNamingSampleValueAndRange_AndLeavesDeltaUntouched(LossKind kind, int width, int badLabel)
    {
        const int rows = 4;
        Batch batch = Batch.Create(kind, TargetForm.Labels, rows, width, Seed(kind, TargetForm.Labels, rows, width));
        batch.Labels[rows - 1] = badLabel; // the earlier, valid samples must not be written either
        float[] delta = batch.NewDelta(12345f);
        int range = width == 1 ? 2 : width;

        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(() => batch.Run(delta));

        ex.ParamName.ShouldBe("labels");
        ex.Message.ShouldStartWith($"Label {badLabel} of sample {rows - 1} is outside [0, {range}).");
        foreach (float d in delta)
        {
            d.ShouldBe(12345f);
        }
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void ValidLabelsAtTheEdgesOfTheRange_DoNotThrow(LossKind kind, TargetForm form)
    {
        // Uses form so the theory covers each loss once per overload; only the label overload has labels to set.
        foreach (int width in EdgeWidths)
        {
            Batch batch = Batch.Create(kind, TargetForm.Labels, 2, width, Seed(kind, form, 2, width));
            batch.Labels[0] = 0;
            batch.Labels[1] = width == 1 ? 1 : width - 1;
            Batch toRun = form == TargetForm.Labels ? batch : batch.AsDense();
            float loss = toRun.Run(toRun.NewDelta(0f));
            float.IsFinite(loss).ShouldBeTrue($"{toRun} loss {loss}");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Validation

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void LengthMismatch_ThrowsArgumentExceptionNamingExpectedAndActual(LossKind kind, TargetForm form)
    {
        const int rows = 3;
        const int width = 5;
        const int stride = 16;
        string valuesName = kind is LossKind.BinaryCrossEntropy or LossKind.SoftmaxCrossEntropy ? "logits" : "outputs";
        float[] outputs = new float[rows * stride];
        float[] targets = new float[rows * width];
        int[] labels = new int[rows];
        float[] delta = new float[rows * stride];

        ShouldThrowLength(() => Invoke(kind, form, new float[rows * stride - 1], targets, labels, rows, stride, width, delta), valuesName, rows * stride, rows * stride - 1);
        ShouldThrowLength(() => Invoke(kind, form, new float[rows * stride + stride], targets, labels, rows, stride, width, delta), valuesName, rows * stride, rows * stride + stride);
        ShouldThrowLength(() => Invoke(kind, form, outputs, targets, labels, rows, stride, width, new float[rows * stride - 1]), "delta", rows * stride, rows * stride - 1);
        ShouldThrowLength(() => Invoke(kind, form, outputs, targets, labels, rows, stride, width, new float[rows * width]), "delta", rows * stride, rows * width);
        if (form == TargetForm.Dense)
        {
            ShouldThrowLength(() => Invoke(kind, form, outputs, new float[rows * width - 1], labels, rows, stride, width, delta), "targets", rows * width, rows * width - 1);
            ShouldThrowLength(() => Invoke(kind, form, outputs, new float[rows * stride], labels, rows, stride, width, delta), "targets", rows * width, rows * stride);
        }
        else
        {
            ShouldThrowLength(() => Invoke(kind, form, outputs, targets, new int[rows - 1], rows, stride, width, delta), "labels", rows, rows - 1);
            ShouldThrowLength(() => Invoke(kind, form, outputs, targets, new int[rows + 1], rows, stride, width, delta), "labels", rows, rows + 1);
        }

        // The valid call works, so the throws above come from the one wrong length.
        Should.NotThrow(() => Invoke(kind, form, outputs, targets, labels, rows, stride, width, delta));
        Should.NotThrow(() => Invoke(kind, form, outputs, targets, labels, rows, stride, width, Span<float>.Empty));
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void InvalidShape_ThrowsArgumentOutOfRange(LossKind kind, TargetForm form)
    {
        // Lengths are consistent with each shape, so only the shape check can throw.
        ShouldThrowShape(() => Invoke(kind, form, [], [], [], 0, 16, 3, []), "rows");
        ShouldThrowShape(() => Invoke(kind, form, [], [], new int[2], 2, 16, 0, []), "width");
        ShouldThrowShape(() => Invoke(kind, form, new float[2 * 4], new float[2 * 5], new int[2], 2, 4, 5, []), "stride");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Allocation

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void Calls_DoNotAllocateAfterWarmUp(LossKind kind, TargetForm form)
    {
        Batch batch = Batch.Create(kind, form, 5, 17, Seed(kind, form, 5, 17));
        float[] delta = batch.NewDelta(0f);
        for (int i = 0; i < 5; i++)
        {
            batch.Run(delta);
            batch.Run(Span<float>.Empty);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        float sink = 0;
        for (int i = 0; i < 100; i++)
        {
            sink += batch.Run(delta);
            sink += batch.Run(Span<float>.Empty);
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        (after - before).ShouldBe(0L);
        float.IsFinite(sink).ShouldBeTrue();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static int Seed(LossKind kind, TargetForm form, int rows, int width) =>
        (int)kind * 100_000 + (int)form * 10_000 + rows * 100 + width;

    private static int RoundUpTo16(int width) => (width + 15) / 16 * 16;

    private static double MeanCount(LossKind kind, int rows, int width) =>
        kind == LossKind.SoftmaxCrossEntropy ? rows : (double)rows * width;

    private static float Invoke(
        LossKind kind, TargetForm form, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<int> labels,
        int rows, int stride, int width, Span<float> delta)
    {
        if (form == TargetForm.Dense)
        {
            return kind switch
            {
                LossKind.MeanSquaredError => LossKernels.MeanSquaredError(outputs, targets, rows, stride, width, delta),
                LossKind.MeanAbsoluteError => LossKernels.MeanAbsoluteError(outputs, targets, rows, stride, width, delta),
                LossKind.BinaryCrossEntropy => LossKernels.BinaryCrossEntropyWithLogits(outputs, targets, rows, stride, width, delta),
                LossKind.SoftmaxCrossEntropy => LossKernels.SoftmaxCrossEntropyWithLogits(outputs, targets, rows, stride, width, delta),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }
        return kind switch
        {
            LossKind.MeanSquaredError => LossKernels.MeanSquaredError(outputs, labels, rows, stride, width, delta),
            LossKind.MeanAbsoluteError => LossKernels.MeanAbsoluteError(outputs, labels, rows, stride, width, delta),
            LossKind.BinaryCrossEntropy => LossKernels.BinaryCrossEntropyWithLogits(outputs, labels, rows, stride, width, delta),
            LossKind.SoftmaxCrossEntropy => LossKernels.SoftmaxCrossEntropyWithLogits(outputs, labels, rows, stride, width, delta),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static void ShouldThrowLength(Action call, string paramName, int expected, int actual)
    {
        ArgumentException ex = Should.Throw<ArgumentException>(call);
        ex.GetType().ShouldBe(typeof(ArgumentException));
        ex.ParamName.ShouldBe(paramName);
        ex.Message.ShouldContain($"= {expected},");
        ex.Message.ShouldContain($"was {actual}.");
    }

    private static void ShouldThrowShape(Action call, string paramName)
    {
        ArgumentOutOfRangeException ex = Should.Throw<ArgumentOutOfRangeException>(call);
        ex.ParamName.ShouldBe(paramName);
    }

    private static void AssertClose(double actual, double expected, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected);
        double limit = tolerance * Math.Max(1.0, Math.Abs(expected));
        // Written as a bool so that NaN fails (Shouldly's ordering comparisons treat NaN as smallest).
        (error <= limit).ShouldBeTrue($"{what}: actual {actual:R}, expected {expected:R}, |error| {error:R} > {limit:R}");
    }

    private static void AssertDeltaMatches(Batch batch, float[] delta, double[] expected)
    {
        double n = MeanCount(batch.Kind, batch.Rows, batch.Width);
        for (int r = 0; r < batch.Rows; r++)
        {
            for (int j = 0; j < batch.Stride; j++)
            {
                float d = delta[r * batch.Stride + j];
                if (j < batch.Width)
                {
                    AssertClose(n * d, n * expected[r * batch.Width + j], DeltaTolerance, $"{batch} n*delta[{r},{j}]");
                }
                else
                {
                    BitConverter.SingleToInt32Bits(d).ShouldBe(0, $"{batch} padding delta[{r},{j}] = {d}");
                }
            }
        }
    }

    private static void AssertBitwiseEqual(float[] actual, float[] expected, string what)
    {
        actual.Length.ShouldBe(expected.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            BitConverter.SingleToInt32Bits(actual[i]).ShouldBe(BitConverter.SingleToInt32Bits(expected[i]), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Naive double-precision reference on logical (unpadded) rows x width arrays.

    private static double ReferenceLoss(LossKind kind, double[] y, double[] t, int rows, int width)
    {
        double sum = 0;
        switch (kind)
        {
            case LossKind.MeanSquaredError:
                for (int i = 0; i < y.Length; i++)
                {
                    sum += (y[i] - t[i]) * (y[i] - t[i]);
                }
                return sum / (rows * width);
            case LossKind.MeanAbsoluteError:
                for (int i = 0; i < y.Length; i++)
                {
                    sum += Math.Abs(y[i] - t[i]);
                }
                return sum / (rows * width);
            case LossKind.BinaryCrossEntropy:
                for (int i = 0; i < y.Length; i++)
                {
                    sum += ReferenceBinaryCrossEntropy(y[i], t[i]);
                }
                return sum / (rows * width);
            case LossKind.SoftmaxCrossEntropy:
                for (int r = 0; r < rows; r++)
                {
                    double[] logP = ReferenceLogSoftmax(y, r, width);
                    for (int j = 0; j < width; j++)
                    {
                        sum -= t[r * width + j] * logP[j];
                    }
                }
                return sum / rows;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static double[] ReferenceGradient(LossKind kind, double[] y, double[] t, int rows, int width)
    {
        double[] g = new double[y.Length];
        double n = (double)rows * width;
        switch (kind)
        {
            case LossKind.MeanSquaredError:
                for (int i = 0; i < y.Length; i++)
                {
                    g[i] = 2 * (y[i] - t[i]) / n;
                }
                break;
            case LossKind.MeanAbsoluteError:
                for (int i = 0; i < y.Length; i++)
                {
                    g[i] = Math.Sign(y[i] - t[i]) / n;
                }
                break;
            case LossKind.BinaryCrossEntropy:
                for (int i = 0; i < y.Length; i++)
                {
                    double p = y[i] >= 0 ? 1 / (1 + Math.Exp(-y[i])) : Math.Exp(y[i]) / (1 + Math.Exp(y[i]));
                    g[i] = (p - t[i]) / n;
                }
                break;
            case LossKind.SoftmaxCrossEntropy:
                for (int r = 0; r < rows; r++)
                {
                    double[] logP = ReferenceLogSoftmax(y, r, width);
                    double targetSum = 0;
                    for (int j = 0; j < width; j++)
                    {
                        targetSum += t[r * width + j];
                    }
                    for (int j = 0; j < width; j++)
                    {
                        g[r * width + j] = (Math.Exp(logP[j]) * targetSum - t[r * width + j]) / rows;
                    }
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        return g;
    }

    /// <summary>The textbook -t log p - (1 - t) log(1 - p) where it is representable in double, the stable form beyond.</summary>
    private static double ReferenceBinaryCrossEntropy(double z, double t)
    {
        if (Math.Abs(z) <= 50)
        {
            double p = 1 / (1 + Math.Exp(-z));
            double q = 1 / (1 + Math.Exp(z)); // 1 - p without cancellation
            return -t * Math.Log(p) - (1 - t) * Math.Log(q);
        }
        return Math.Max(z, 0) - z * t + Math.Log(1 + Math.Exp(-Math.Abs(z)));
    }

    /// <summary>log softmax of row r: the naive exp(z)/sum exp(z) for moderate logits, max-shifted otherwise.</summary>
    private static double[] ReferenceLogSoftmax(double[] y, int r, int width)
    {
        double[] logP = new double[width];
        double max = double.NegativeInfinity;
        for (int j = 0; j < width; j++)
        {
            max = Math.Max(max, Math.Abs(y[r * width + j]));
        }
        if (max <= 50)
        {
            double s = 0;
            for (int j = 0; j < width; j++)
            {
                s += Math.Exp(y[r * width + j]);
            }
            for (int j = 0; j < width; j++)
            {
                logP[j] = Math.Log(Math.Exp(y[r * width + j]) / s);
            }
            return logP;
        }
        double m = double.NegativeInfinity;
        for (int j = 0; j < width; j++)
        {
            m = Math.Max(m, y[r * width + j]);
        }
        double shifted = 0;
        for (int j = 0; j < width; j++)
        {
            shifted += Math.Exp(y[r * width + j] - m);
        }
        // (z_j - m) - log(s), not z_j - (m + log(s)): with m = 1e30 the latter loses log(s) entirely.
        double logShifted = Math.Log(shifted);
        for (int j = 0; j < width; j++)
        {
            logP[j] = (y[r * width + j] - m) - logShifted;
        }
        return logP;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Test data

    private sealed class Batch
    {
        private Batch(LossKind kind, TargetForm form, int rows, int width, float[] outputs, float[] targets, int[] labels)
        {
            Kind = kind;
            Form = form;
            Rows = rows;
            Width = width;
            Stride = RoundUpTo16(width);
            Outputs = outputs;
            Targets = targets;
            Labels = labels;
        }

        public LossKind Kind { get; }
        public TargetForm Form { get; }
        public int Rows { get; }
        public int Width { get; }
        public int Stride { get; }

        /// <summary>rows x stride; the padding lanes hold NaN unless a test changes them.</summary>
        public float[] Outputs { get; }

        /// <summary>rows x width dense targets; for the label form, the targets the labels stand for.</summary>
        public float[] Targets { get; }

        /// <summary>One label per row for the label form (empty for the dense form).</summary>
        public int[] Labels { get; }

        /// <summary>
        /// Outputs in [-2, 2] (MSE/MAE) or logits in [-6, 6]; dense targets in [-2, 2] (MSE/MAE) or [0, 1] (BCE, and
        /// unnormalised for softmax so that the sum_k t_k factor matters); labels uniform over the valid range. For MAE
        /// every |y - t| is at least 0.05, so finite differences do not straddle the kink.
        /// </summary>
        public static Batch Create(LossKind kind, TargetForm form, int rows, int width, int seed)
        {
            var random = new Random(seed);
            int stride = RoundUpTo16(width);
            float[] outputs = new float[rows * stride];
            outputs.AsSpan().Fill(float.NaN);
            float[] targets = new float[rows * width];
            int[] labels = form == TargetForm.Labels ? new int[rows] : [];
            bool regression = kind is LossKind.MeanSquaredError or LossKind.MeanAbsoluteError;
            for (int r = 0; r < rows; r++)
            {
                if (form == TargetForm.Labels)
                {
                    labels[r] = random.Next(width == 1 ? 2 : width);
                }
                for (int j = 0; j < width; j++)
                {
                    float t = form == TargetForm.Labels
                        ? (width == 1 ? labels[r] : labels[r] == j ? 1f : 0f)
                        : regression ? Uniform(random, -2, 2) : Uniform(random, 0, 1);
                    float y = regression ? Uniform(random, -2, 2) : Uniform(random, -6, 6);
                    if (kind == LossKind.MeanAbsoluteError && Math.Abs(y - t) < 0.05f)
                    {
                        y = t + 0.25f;
                    }
                    targets[r * width + j] = t;
                    outputs[r * stride + j] = y;
                }
            }
            return new Batch(kind, form, rows, width, outputs, targets, labels);
        }

        /// <summary>The same outputs with the dense form; for labels, Targets already holds their one-hot rows.</summary>
        public Batch AsDense()
        {
            if (Form == TargetForm.Labels)
            {
                for (int r = 0; r < Rows; r++)
                {
                    for (int j = 0; j < Width; j++)
                    {
                        Targets[r * Width + j] = Width == 1 ? Labels[r] : Labels[r] == j ? 1f : 0f;
                    }
                }
            }
            return new Batch(Kind, TargetForm.Dense, Rows, Width, Outputs, Targets, []);
        }

        public float[] NewDelta(float fill)
        {
            float[] delta = new float[Rows * Stride];
            delta.AsSpan().Fill(fill);
            return delta;
        }

        public float Run(Span<float> delta) => Invoke(Kind, Form, Outputs, Targets, Labels, Rows, Stride, Width, delta);

        public double[] LogicalOutputs()
        {
            double[] y = new double[Rows * Width];
            for (int r = 0; r < Rows; r++)
            {
                for (int j = 0; j < Width; j++)
                {
                    y[r * Width + j] = Outputs[r * Stride + j];
                }
            }
            return y;
        }

        /// <summary>The targets the kernel should see, rebuilt from the labels for the label form.</summary>
        public double[] DenseTargetsAsDouble()
        {
            double[] t = new double[Rows * Width];
            for (int r = 0; r < Rows; r++)
            {
                for (int j = 0; j < Width; j++)
                {
                    t[r * Width + j] = Form == TargetForm.Dense ? Targets[r * Width + j]
                        : Width == 1 ? Labels[r]
                        : Labels[r] == j ? 1.0 : 0.0;
                }
            }
            return t;
        }

        public override string ToString() => $"{Kind}/{Form} rows={Rows} width={Width} stride={Stride}";

        private static float Uniform(Random random, float low, float high) => low + (high - low) * random.NextSingle();
    }
}
