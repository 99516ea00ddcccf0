using System;
using System.Collections.Generic;
using StaticNN.Layers;
using StaticNN.Tests.Infrastructure;

namespace StaticNN.Tests.Layers;

/// <summary>
/// <see cref="NormalizationKernels"/> against double-precision references on padded buffers whose input padding is
/// NaN and whose outputs are pre-filled with NaN (so every output lane must be written).
/// Tolerances: forward values 2e-5 * max(1, |ref|); batch statistics of the training output |mean| &lt;= 1e-5 and
/// |variance - var/(var + eps)| &lt;= 1e-4; running statistics 1e-5 * max(1, |ref|); backward against the analytic double
/// gradient 1e-4 * max(1, |ref|, scale) and against central finite differences of the double reference
/// (h = 1e-3) 1e-2 * max(1, |g|, |g_fd|).
/// </summary>
public class NormalizationKernelsTests
{
    private const float Epsilon = 1e-3f;

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int width in new[] { 1, 3, 7, 8, 9, 15, 16, 17, 33 })
        {
            foreach (int rows in new[] { 1, 2, 5, 32 })
            {
                yield return new object[] { rows, width };
            }
        }
    }

    private static int StrideFor(int width) => (width + 15) / 16 * 16;

    // ------------------------------------------------------------------ data

    private sealed class Case
    {
        public int Rows, Stride, Width;
        public float[] X = [], Gamma = [], Beta = [], Dy = [];

        public static Case Create(int rows, int width, int seed, bool unitAffine = false)
        {
            int stride = StrideFor(width);
            var random = new Random(seed);
            var c = new Case { Rows = rows, Stride = stride, Width = width };
            c.X = NaNMatrix(rows, stride);
            c.Dy = NaNMatrix(rows, stride);
            c.Gamma = NaNVector(stride);
            c.Beta = NaNVector(stride);
            for (int j = 0; j < width; j++)
            {
                double offset = random.NextDouble() * 4 - 2, spread = 0.5 + random.NextDouble() * 2;
                c.Gamma[j] = unitAffine ? 1f : (float)(0.5 + random.NextDouble());
                c.Beta[j] = unitAffine ? 0f : (float)(random.NextDouble() - 0.5);
                for (int r = 0; r < rows; r++)
                {
                    c.X[r * stride + j] = (float)(offset + spread * (random.NextDouble() * 2 - 1));
                    c.Dy[r * stride + j] = (float)(random.NextDouble() * 2 - 1);
                }
            }

            return c;
        }
    }

    private static float[] NaNMatrix(int rows, int stride) => NaNVector(rows * stride);

    private static float[] NaNVector(int length)
    {
        var a = new float[length];
        a.AsSpan().Fill(float.NaN);
        return a;
    }

    private static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);

    // ------------------------------------------------------------------ double references

    /// <summary>Batch norm training forward in double; only lanes j &lt; width are meaningful.</summary>
    private static void RefBatchNorm(double[] x, int rows, int stride, int width, double[] gamma, double[] beta, double eps,
        double[] xhat, double[] inverseStd, double[] y, double[] mean, double[] variance)
    {
        for (int j = 0; j < width; j++)
        {
            double m = 0;
            for (int r = 0; r < rows; r++) m += x[r * stride + j];
            m /= rows;
            double v = 0;
            for (int r = 0; r < rows; r++) v += (x[r * stride + j] - m) * (x[r * stride + j] - m);
            v /= rows;
            double inv = 1 / Math.Sqrt(v + eps);
            mean[j] = m;
            variance[j] = v;
            inverseStd[j] = inv;
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride + j;
                xhat[at] = (x[at] - m) * inv;
                y[at] = gamma[j] * xhat[at] + beta[j];
            }
        }
    }

    private static void RefLayerNorm(double[] x, int rows, int stride, int width, double[] gamma, double[] beta, double eps,
        double[] xhat, double[] inverseStd, double[] y)
    {
        for (int r = 0; r < rows; r++)
        {
            double m = 0;
            for (int j = 0; j < width; j++) m += x[r * stride + j];
            m /= width;
            double v = 0;
            for (int j = 0; j < width; j++) v += (x[r * stride + j] - m) * (x[r * stride + j] - m);
            v /= width;
            double inv = 1 / Math.Sqrt(v + eps);
            inverseStd[r] = inv;
            for (int j = 0; j < width; j++)
            {
                int at = r * stride + j;
                xhat[at] = (x[at] - m) * inv;
                y[at] = gamma[j] * xhat[at] + beta[j];
            }
        }
    }

    private static double Loss(double[] dy, double[] y, int rows, int stride, int width)
    {
        double sum = 0;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < width; j++)
                sum += dy[r * stride + j] * y[r * stride + j];
        return sum;
    }

    private static double CentralDifference(double[] parameter, int index, Func<double> loss)
    {
        const double h = 1e-3;
        double saved = parameter[index];
        parameter[index] = saved + h;
        double plus = loss();
        parameter[index] = saved - h;
        double minus = loss();
        parameter[index] = saved;
        return (plus - minus) / (2 * h);
    }

    // ------------------------------------------------------------------ assertions

    private static void ShouldBeClose(float actual, double expected, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected);
        (error <= tolerance * Math.Max(1, Math.Abs(expected))).ShouldBeTrue(
            $"{what}: got {actual}, expected {expected} (error {error:E2}, tolerance {tolerance:E1} scaled)");
    }

    private static void ShouldMatchGradient(float actual, double finiteDifference, string what)
    {
        double tolerance = 1e-2 * Math.Max(1, Math.Max(Math.Abs(actual), Math.Abs(finiteDifference)));
        Math.Abs(actual - finiteDifference).ShouldBeLessThanOrEqualTo(tolerance,
            $"{what}: kernel {actual}, finite difference {finiteDifference}");
    }

    private static void PaddingShouldBeZero(float[] matrix, int rows, int stride, int width, string what)
    {
        for (int r = 0; r < rows; r++)
            for (int j = width; j < stride; j++)
                matrix[r * stride + j].ShouldBe(0f, $"{what}[{r}, {j}] (padding)");
    }

    // ------------------------------------------------------------------ batch norm

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BatchNormTraining_MatchesDoubleReference_AndZeroesPadding(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: rows * 100 + width);
        int stride = c.Stride;
        float[] runningMean = NaNVector(stride), runningVariance = NaNVector(stride);
        var random = new Random(7);
        for (int j = 0; j < width; j++)
        {
            runningMean[j] = (float)random.NextDouble();
            runningVariance[j] = (float)(1 + random.NextDouble());
        }

        float[] startMean = (float[])runningMean.Clone(), startVariance = (float[])runningVariance.Clone();
        float[] xhat = NaNMatrix(rows, stride), y = NaNMatrix(rows, stride), inverseStd = NaNVector(stride);
        const float momentum = 0.9f;

        NormalizationKernels.BatchNormTraining(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, momentum,
            runningMean, runningVariance, xhat, inverseStd, y);

        double[] rx = ToDouble(c.X), rxhat = new double[rows * stride], ry = new double[rows * stride];
        double[] rinv = new double[stride], rmean = new double[stride], rvar = new double[stride];
        RefBatchNorm(rx, rows, stride, width, ToDouble(c.Gamma), ToDouble(c.Beta), Epsilon, rxhat, rinv, ry, rmean, rvar);
        for (int j = 0; j < width; j++)
        {
            ShouldBeClose(inverseStd[j], rinv[j], 1e-6, $"inverseStd[{j}]");
            ShouldBeClose(runningMean[j], momentum * startMean[j] + (1 - momentum) * rmean[j], 1e-6, $"runningMean[{j}]");
            ShouldBeClose(runningVariance[j], momentum * startVariance[j] + (1 - momentum) * rvar[j], 1e-6, $"runningVariance[{j}]");
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride + j;
                ShouldBeClose(xhat[at], rxhat[at], 2e-5, $"xhat[{r}, {j}]");
                ShouldBeClose(y[at], ry[at], 2e-5, $"y[{r}, {j}]");
            }
        }

        for (int j = width; j < stride; j++)
        {
            inverseStd[j].ShouldBe(0f, $"inverseStd[{j}] (padding)");
            float.IsNaN(runningMean[j]).ShouldBeTrue("running mean padding is left unchanged");
            float.IsNaN(runningVariance[j]).ShouldBeTrue("running variance padding is left unchanged");
        }

        PaddingShouldBeZero(xhat, rows, stride, width, "xhat");
        PaddingShouldBeZero(y, rows, stride, width, "y");
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(5, 9)]
    [InlineData(32, 17)]
    [InlineData(32, 33)]
    public void BatchNormTraining_UnitAffine_GivesZeroMeanUnitVariancePerFeature(int rows, int width)
    {
        // With gamma = 1, beta = 0 each feature of y has mean 0 and variance var / (var + epsilon) (1 up to epsilon).
        Case c = Case.Create(rows, width, seed: 42 + rows, unitAffine: true);
        int stride = c.Stride;
        float[] xhat = NaNMatrix(rows, stride), y = NaNMatrix(rows, stride), inverseStd = NaNVector(stride);
        float[] runningMean = new float[stride], runningVariance = new float[stride];
        NormalizationKernels.BatchNormTraining(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, 0.99f,
            runningMean, runningVariance, xhat, inverseStd, y);

        for (int j = 0; j < width; j++)
        {
            double mean = 0, xmean = 0;
            for (int r = 0; r < rows; r++) { mean += y[r * stride + j]; xmean += c.X[r * stride + j]; }
            mean /= rows;
            xmean /= rows;
            double variance = 0, xvariance = 0;
            for (int r = 0; r < rows; r++)
            {
                variance += (y[r * stride + j] - mean) * (y[r * stride + j] - mean);
                xvariance += (c.X[r * stride + j] - xmean) * (c.X[r * stride + j] - xmean);
            }

            variance /= rows;
            xvariance /= rows;
            Math.Abs(mean).ShouldBeLessThanOrEqualTo(1e-5, $"mean of feature {j}");
            Math.Abs(variance - xvariance / (xvariance + Epsilon)).ShouldBeLessThanOrEqualTo(1e-4, $"variance of feature {j}");
            variance.ShouldBeGreaterThan(0.9, $"variance of feature {j} is about 1");
        }
    }

    [Fact]
    public void BatchNormTraining_SingleRow_GivesZeroXhatAndBeta()
    {
        Case c = Case.Create(1, 9, seed: 3);
        float[] xhat = NaNMatrix(1, 16), y = NaNMatrix(1, 16), inverseStd = NaNVector(16);
        float[] runningMean = new float[16], runningVariance = new float[16];
        NormalizationKernels.BatchNormTraining(c.X, 1, 16, 9, c.Gamma, c.Beta, Epsilon, 0.5f,
            runningMean, runningVariance, xhat, inverseStd, y);
        for (int j = 0; j < 9; j++)
        {
            xhat[j].ShouldBe(0f);
            y[j].ShouldBe(c.Beta[j]);
            inverseStd[j].ShouldBe((float)(1 / Math.Sqrt(Epsilon)), 1e-4f);
            runningVariance[j].ShouldBe(0f);
            runningMean[j].ShouldBe(0.5f * c.X[j], 1e-6f);
        }
    }

    [Theory]
    [InlineData(5, 7)]
    [InlineData(32, 33)]
    public void BatchNormTraining_RunningStatistics_AfterNUpdates_EqualClosedForm(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: 11);
        int stride = c.Stride;
        float[] runningMean = new float[stride], runningVariance = new float[stride];
        for (int j = 0; j < stride; j++) { runningMean[j] = 0.25f; runningVariance[j] = 2f; }
        float[] xhat = new float[rows * stride], y = new float[rows * stride], inverseStd = new float[stride];
        const float momentum = 0.8f;
        const int updates = 10;
        for (int n = 0; n < updates; n++)
        {
            NormalizationKernels.BatchNormTraining(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, momentum,
                runningMean, runningVariance, xhat, inverseStd, y);
        }

        double[] rmean = new double[stride], rvar = new double[stride];
        RefBatchNorm(ToDouble(c.X), rows, stride, width, ToDouble(c.Gamma), ToDouble(c.Beta), Epsilon,
            new double[rows * stride], new double[stride], new double[rows * stride], rmean, rvar);
        double keep = Math.Pow(momentum, updates);
        for (int j = 0; j < width; j++)
        {
            ShouldBeClose(runningMean[j], keep * 0.25 + (1 - keep) * rmean[j], 1e-5, $"runningMean[{j}]");
            ShouldBeClose(runningVariance[j], keep * 2 + (1 - keep) * rvar[j], 1e-5, $"runningVariance[{j}]");
        }

        for (int j = width; j < stride; j++)
        {
            runningMean[j].ShouldBe(0.25f, "padding unchanged");
            runningVariance[j].ShouldBe(2f, "padding unchanged");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BatchNormInference_UsesRunningStatistics(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: 5 * rows + width);
        int stride = c.Stride;
        float[] runningMean = NaNVector(stride), runningVariance = NaNVector(stride);
        var random = new Random(rows + width);
        for (int j = 0; j < width; j++)
        {
            runningMean[j] = (float)(random.NextDouble() * 2 - 1);
            runningVariance[j] = (float)(0.1 + random.NextDouble() * 3);
        }

        float[] y = NaNMatrix(rows, stride);
        NormalizationKernels.BatchNormInference(c.X, rows, stride, width, c.Gamma, c.Beta, runningMean, runningVariance, Epsilon, y);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                int at = r * stride + j;
                double expected = (double)c.Gamma[j] * (c.X[at] - (double)runningMean[j])
                    / Math.Sqrt(runningVariance[j] + (double)Epsilon) + c.Beta[j];
                ShouldBeClose(y[at], expected, 2e-5, $"y[{r}, {j}]");
            }
        }

        PaddingShouldBeZero(y, rows, stride, width, "y");
    }

    [Fact]
    public void BatchNormInference_AfterTrainingWithMomentumZero_ReproducesTrainingOutput()
    {
        // momentum 0 makes the running statistics the batch statistics, so inference must equal the training output.
        Case c = Case.Create(32, 17, seed: 9);
        float[] runningMean = new float[32], runningVariance = new float[32];
        float[] xhat = new float[32 * 32], yTrain = new float[32 * 32], inverseStd = new float[32], yInfer = new float[32 * 32];
        NormalizationKernels.BatchNormTraining(c.X, 32, 32, 17, c.Gamma, c.Beta, Epsilon, 0f,
            runningMean, runningVariance, xhat, inverseStd, yTrain);
        NormalizationKernels.BatchNormInference(c.X, 32, 32, 17, c.Gamma, c.Beta, runningMean, runningVariance, Epsilon, yInfer);
        for (int i = 0; i < yTrain.Length; i++)
        {
            yInfer[i].ShouldBe(yTrain[i], 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BatchNormBackward_MatchesFiniteDifferencesAndAnalyticGradient(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: 1000 + rows * 40 + width);
        int stride = c.Stride;
        float[] xhat = NaNMatrix(rows, stride), y = NaNMatrix(rows, stride), inverseStd = NaNVector(stride);
        NormalizationKernels.BatchNormTraining(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, 0.99f,
            new float[stride], new float[stride], xhat, inverseStd, y);
        // NaN in the padding of the inputs of the backward pass must not leak.
        for (int r = 0; r < rows; r++) for (int j = width; j < stride; j++) xhat[r * stride + j] = float.NaN;
        for (int j = width; j < stride; j++) inverseStd[j] = float.NaN;

        float[] dx = NaNMatrix(rows, stride), dGamma = NaNVector(stride), dBeta = NaNVector(stride);
        NormalizationKernels.BatchNormBackward(c.Dy, xhat, inverseStd, c.Gamma, rows, stride, width, dx, dGamma, dBeta);

        double[] rx = ToDouble(c.X), rg = ToDouble(c.Gamma), rb = ToDouble(c.Beta), rdy = ToDouble(c.Dy);
        double[] rxhat = new double[rows * stride], ry = new double[rows * stride], rinv = new double[stride];
        double[] scratchMean = new double[stride], scratchVar = new double[stride];
        double LossAt()
        {
            RefBatchNorm(rx, rows, stride, width, rg, rb, Epsilon, rxhat, rinv, ry, scratchMean, scratchVar);
            return Loss(rdy, ry, rows, stride, width);
        }

        LossAt();
        double[] xhat0 = (double[])rxhat.Clone(), inv0 = (double[])rinv.Clone();
        for (int j = 0; j < width; j++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < rows; r++) { sumDy += rdy[r * stride + j]; sumDyXhat += rdy[r * stride + j] * xhat0[r * stride + j]; }
            ShouldBeClose(dBeta[j], sumDy, 1e-5, $"dBeta[{j}] analytic");
            ShouldBeClose(dGamma[j], sumDyXhat, 1e-5, $"dGamma[{j}] analytic");
            ShouldMatchGradient(dGamma[j], CentralDifference(rg, j, LossAt), $"dGamma[{j}]");
            ShouldMatchGradient(dBeta[j], CentralDifference(rb, j, LossAt), $"dBeta[{j}]");
            double scale = inv0[j] * rg[j];
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride + j;
                double analytic = scale / rows * (rows * rdy[at] - sumDy - xhat0[at] * sumDyXhat);
                Math.Abs(dx[at] - analytic).ShouldBeLessThanOrEqualTo(1e-4 * Math.Max(1, Math.Max(Math.Abs(analytic), scale)),
                    $"dx[{r}, {j}] analytic");
                ShouldMatchGradient(dx[at], CentralDifference(rx, at, LossAt), $"dx[{r}, {j}]");
            }
        }

        PaddingShouldBeZero(dx, rows, stride, width, "dx");
        for (int j = width; j < stride; j++)
        {
            dGamma[j].ShouldBe(0f);
            dBeta[j].ShouldBe(0f);
        }
    }

    [Fact]
    public void BatchNormBackward_OverwritesParameterGradients()
    {
        Case c = Case.Create(5, 7, seed: 2);
        float[] xhat = new float[80], y = new float[80], inverseStd = new float[16];
        NormalizationKernels.BatchNormTraining(c.X, 5, 16, 7, c.Gamma, c.Beta, Epsilon, 0.99f, new float[16], new float[16], xhat, inverseStd, y);
        float[] dx = new float[80], dGamma = new float[16], dBeta = new float[16];
        NormalizationKernels.BatchNormBackward(c.Dy, xhat, inverseStd, c.Gamma, 5, 16, 7, dx, dGamma, dBeta);
        float[] g1 = (float[])dGamma.Clone(), b1 = (float[])dBeta.Clone();
        NormalizationKernels.BatchNormBackward(c.Dy, xhat, inverseStd, c.Gamma, 5, 16, 7, dx, dGamma, dBeta);
        dGamma.ShouldBe(g1);
        dBeta.ShouldBe(b1);
    }

    [Fact]
    public void BatchNorm_InPlace_GivesSameOutputs()
    {
        Case c = Case.Create(5, 17, seed: 8);
        float[] xhat = new float[5 * 32], y = new float[5 * 32], inverseStd = new float[32];
        NormalizationKernels.BatchNormTraining(c.X, 5, 32, 17, c.Gamma, c.Beta, Epsilon, 0.9f, new float[32], new float[32], xhat, inverseStd, y);
        float[] inPlace = (float[])c.X.Clone(), xhat2 = new float[5 * 32];
        NormalizationKernels.BatchNormTraining(inPlace, 5, 32, 17, c.Gamma, c.Beta, Epsilon, 0.9f, new float[32], new float[32], xhat2, inverseStd, inPlace);
        inPlace.ShouldBe(y);

        float[] rm = new float[32], rv = new float[32];
        rm.AsSpan().Fill(0.1f);
        rv.AsSpan().Fill(1.5f);
        float[] yInfer = new float[5 * 32], inferInPlace = (float[])c.X.Clone();
        NormalizationKernels.BatchNormInference(c.X, 5, 32, 17, c.Gamma, c.Beta, rm, rv, Epsilon, yInfer);
        NormalizationKernels.BatchNormInference(inferInPlace, 5, 32, 17, c.Gamma, c.Beta, rm, rv, Epsilon, inferInPlace);
        inferInPlace.ShouldBe(yInfer);
    }

    // ------------------------------------------------------------------ layer norm

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LayerNormForward_MatchesDoubleReference_AndZeroesPadding(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: 77 * rows + width);
        int stride = c.Stride;
        float[] xhat = NaNMatrix(rows, stride), y = NaNMatrix(rows, stride), inverseStd = NaNVector(rows);
        NormalizationKernels.LayerNormForward(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, xhat, inverseStd, y);

        double[] rxhat = new double[rows * stride], ry = new double[rows * stride], rinv = new double[rows];
        RefLayerNorm(ToDouble(c.X), rows, stride, width, ToDouble(c.Gamma), ToDouble(c.Beta), Epsilon, rxhat, rinv, ry);
        for (int r = 0; r < rows; r++)
        {
            ShouldBeClose(inverseStd[r], rinv[r], 1e-5, $"inverseStd[{r}]");
            for (int j = 0; j < width; j++)
            {
                int at = r * stride + j;
                ShouldBeClose(xhat[at], rxhat[at], 2e-5, $"xhat[{r}, {j}]");
                ShouldBeClose(y[at], ry[at], 2e-5, $"y[{r}, {j}]");
            }
        }

        PaddingShouldBeZero(xhat, rows, stride, width, "xhat");
        PaddingShouldBeZero(y, rows, stride, width, "y");

        // Inference form: xhat and inverseStd not stored, same y; in place too.
        float[] yOnly = NaNMatrix(rows, stride);
        NormalizationKernels.LayerNormForward(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, Span<float>.Empty, Span<float>.Empty, yOnly);
        yOnly.ShouldBe(y);
        float[] inPlace = (float[])c.X.Clone();
        NormalizationKernels.LayerNormForward(inPlace, rows, stride, width, c.Gamma, c.Beta, Epsilon, Span<float>.Empty, Span<float>.Empty, inPlace);
        inPlace.ShouldBe(y);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(5, 17)]
    [InlineData(32, 33)]
    public void LayerNormForward_UnitAffine_GivesZeroMeanUnitVariancePerRow(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: 31, unitAffine: true);
        int stride = c.Stride;
        float[] y = new float[rows * stride];
        NormalizationKernels.LayerNormForward(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, Span<float>.Empty, Span<float>.Empty, y);
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, xmean = 0;
            for (int j = 0; j < width; j++) { mean += y[r * stride + j]; xmean += c.X[r * stride + j]; }
            mean /= width;
            xmean /= width;
            double variance = 0, xvariance = 0;
            for (int j = 0; j < width; j++)
            {
                variance += (y[r * stride + j] - mean) * (y[r * stride + j] - mean);
                xvariance += (c.X[r * stride + j] - xmean) * (c.X[r * stride + j] - xmean);
            }

            variance /= width;
            xvariance /= width;
            Math.Abs(mean).ShouldBeLessThanOrEqualTo(1e-5, $"mean of row {r}");
            Math.Abs(variance - xvariance / (xvariance + Epsilon)).ShouldBeLessThanOrEqualTo(1e-4, $"variance of row {r}");
            variance.ShouldBeGreaterThan(0.9, $"variance of row {r} is about 1");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LayerNormBackward_MatchesFiniteDifferencesAndAnalyticGradient(int rows, int width)
    {
        Case c = Case.Create(rows, width, seed: 500 + rows * 40 + width);
        int stride = c.Stride;
        float[] xhat = NaNMatrix(rows, stride), y = NaNMatrix(rows, stride), inverseStd = NaNVector(rows);
        NormalizationKernels.LayerNormForward(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, xhat, inverseStd, y);
        for (int r = 0; r < rows; r++) for (int j = width; j < stride; j++) xhat[r * stride + j] = float.NaN;

        float[] dx = NaNMatrix(rows, stride), dGamma = NaNVector(stride), dBeta = NaNVector(stride);
        NormalizationKernels.LayerNormBackward(c.Dy, xhat, inverseStd, c.Gamma, rows, stride, width, dx, dGamma, dBeta);

        double[] rx = ToDouble(c.X), rg = ToDouble(c.Gamma), rb = ToDouble(c.Beta), rdy = ToDouble(c.Dy);
        double[] rxhat = new double[rows * stride], ry = new double[rows * stride], rinv = new double[rows];
        double LossAt()
        {
            RefLayerNorm(rx, rows, stride, width, rg, rb, Epsilon, rxhat, rinv, ry);
            return Loss(rdy, ry, rows, stride, width);
        }

        LossAt();
        double[] xhat0 = (double[])rxhat.Clone(), inv0 = (double[])rinv.Clone();
        for (int j = 0; j < width; j++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < rows; r++) { sumDy += rdy[r * stride + j]; sumDyXhat += rdy[r * stride + j] * xhat0[r * stride + j]; }
            ShouldBeClose(dBeta[j], sumDy, 1e-5, $"dBeta[{j}] analytic");
            ShouldBeClose(dGamma[j], sumDyXhat, 1e-5, $"dGamma[{j}] analytic");
            ShouldMatchGradient(dGamma[j], CentralDifference(rg, j, LossAt), $"dGamma[{j}]");
            ShouldMatchGradient(dBeta[j], CentralDifference(rb, j, LossAt), $"dBeta[{j}]");
        }

        for (int r = 0; r < rows; r++)
        {
            double sumG = 0, sumGXhat = 0;
            for (int j = 0; j < width; j++) { double g = rdy[r * stride + j] * rg[j]; sumG += g; sumGXhat += g * xhat0[r * stride + j]; }
            for (int j = 0; j < width; j++)
            {
                int at = r * stride + j;
                double analytic = inv0[r] / width * (width * rdy[at] * rg[j] - sumG - xhat0[at] * sumGXhat);
                Math.Abs(dx[at] - analytic).ShouldBeLessThanOrEqualTo(1e-4 * Math.Max(1, Math.Max(Math.Abs(analytic), inv0[r])),
                    $"dx[{r}, {j}] analytic");
                ShouldMatchGradient(dx[at], CentralDifference(rx, at, LossAt), $"dx[{r}, {j}]");
            }
        }

        PaddingShouldBeZero(dx, rows, stride, width, "dx");
        for (int j = width; j < stride; j++)
        {
            dGamma[j].ShouldBe(0f);
            dBeta[j].ShouldBe(0f);
        }
    }

    // ------------------------------------------------------------------ validation

    [Fact]
    public void Validation_ShapeArguments_ThrowArgumentOutOfRange()
    {
        ShouldThrowOutOfRange("rows", () => Training(rows: 0, stride: 16, width: 3));
        ShouldThrowOutOfRange("width", () => Training(rows: 2, stride: 16, width: 0));
        ShouldThrowOutOfRange("stride", () => Training(rows: 2, stride: 16, width: 17));
        ShouldThrowOutOfRange("stride", () => Training(rows: 2, stride: 8, width: 3));
        ShouldThrowOutOfRange("epsilon", () => Training(rows: 2, stride: 16, width: 3, epsilon: 0f));
        ShouldThrowOutOfRange("epsilon", () => Training(rows: 2, stride: 16, width: 3, epsilon: float.NaN));
        ShouldThrowOutOfRange("momentum", () => Training(rows: 2, stride: 16, width: 3, momentum: 1.5f));
        ShouldThrowOutOfRange("rows", () => NormalizationKernels.LayerNormForward(new float[16], 0, 16, 3, new float[16], new float[16], Epsilon, [], [], new float[16]));
        ShouldThrowOutOfRange("rows", () => NormalizationKernels.BatchNormInference(new float[16], 0, 16, 3, new float[16], new float[16], new float[16], new float[16], Epsilon, new float[16]));
        ShouldThrowOutOfRange("width", () => NormalizationKernels.BatchNormBackward(new float[16], new float[16], new float[16], new float[16], 1, 16, 0, new float[16], new float[16], new float[16]));
        ShouldThrowOutOfRange("stride", () => NormalizationKernels.LayerNormBackward(new float[16], new float[16], new float[1], new float[16], 1, 4, 5, new float[16], new float[16], new float[16]));
    }

    [Fact]
    public void Validation_ShortSpans_ThrowArgumentExceptionNamingExpectedAndActual()
    {
        var ex = ShouldThrowArgument("x", () => NormalizationKernels.BatchNormTraining(new float[31], 2, 16, 3, new float[16], new float[16],
            Epsilon, 0.9f, new float[16], new float[16], new float[32], new float[16], new float[32]));
        ex.Message.ShouldContain("31");
        ex.Message.ShouldContain("32");
        ShouldThrowArgument("gamma", () => NormalizationKernels.BatchNormTraining(new float[32], 2, 16, 3, new float[15], new float[16],
            Epsilon, 0.9f, new float[16], new float[16], new float[32], new float[16], new float[32])).Message.ShouldContain("15");
        ShouldThrowArgument("runningVariance", () => NormalizationKernels.BatchNormTraining(new float[32], 2, 16, 3, new float[16], new float[16],
            Epsilon, 0.9f, new float[16], new float[3], new float[32], new float[16], new float[32]));
        ShouldThrowArgument("y", () => NormalizationKernels.BatchNormInference(new float[32], 2, 16, 3, new float[16], new float[16],
            new float[16], new float[16], Epsilon, new float[16]));
        ShouldThrowArgument("inverseStd", () => NormalizationKernels.LayerNormForward(new float[32], 2, 16, 3, new float[16], new float[16],
            Epsilon, new float[32], new float[1], new float[32]));
        ShouldThrowArgument("xhat", () => NormalizationKernels.LayerNormForward(new float[32], 2, 16, 3, new float[16], new float[16],
            Epsilon, new float[16], [], new float[32]));
        ShouldThrowArgument("dGamma", () => NormalizationKernels.BatchNormBackward(new float[32], new float[32], new float[16], new float[16],
            2, 16, 3, new float[32], new float[4], new float[16]));
        ShouldThrowArgument("inverseStd", () => NormalizationKernels.LayerNormBackward(new float[32], new float[32], new float[1], new float[16],
            2, 16, 3, new float[32], new float[16], new float[16]));
    }

    [Fact]
    public void Validation_DxOverlappingDy_Throws()
    {
        ShouldThrowArgument("dx", () =>
        {
            float[] buffer = new float[32];
            NormalizationKernels.BatchNormBackward(buffer, new float[32], new float[16], new float[16], 2, 16, 3, buffer, new float[16], new float[16]);
        });
        ShouldThrowArgument("dx", () =>
        {
            float[] buffer = new float[32];
            NormalizationKernels.LayerNormBackward(buffer, new float[32], new float[2], new float[16], 2, 16, 3, buffer, new float[16], new float[16]);
        });
    }

    private static void Training(int rows, int stride, int width, float epsilon = Epsilon, float momentum = 0.9f)
    {
        int n = Math.Max(rows, 1) * Math.Max(stride, 1);
        NormalizationKernels.BatchNormTraining(new float[n], rows, stride, width, new float[stride], new float[stride], epsilon, momentum,
            new float[stride], new float[stride], new float[n], new float[stride], new float[n]);
    }

    private static void ShouldThrowOutOfRange(string paramName, Action action) =>
        Should.Throw<ArgumentOutOfRangeException>(action).ParamName.ShouldBe(paramName);

    private static ArgumentException ShouldThrowArgument(string paramName, Action action)
    {
        ArgumentException ex = Should.Throw<ArgumentException>(action);
        ex.GetType().ShouldBe(typeof(ArgumentException));
        ex.ParamName.ShouldBe(paramName);
        return ex;
    }

    // ------------------------------------------------------------------ allocation

    [Fact]
    public void Kernels_DoNotAllocate()
    {
        const int rows = 32, width = 33, stride = 48;
        Case c = Case.Create(rows, width, seed: 4);
        float[] rm = new float[stride], rv = new float[stride], xhat = new float[rows * stride], y = new float[rows * stride];
        float[] inv = new float[stride], invRows = new float[rows], dx = new float[rows * stride], dg = new float[stride], db = new float[stride];
        AllocationAssert.NoneAfterWarmUp(() =>
        {
            NormalizationKernels.BatchNormTraining(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, 0.99f, rm, rv, xhat, inv, y);
            NormalizationKernels.BatchNormInference(c.X, rows, stride, width, c.Gamma, c.Beta, rm, rv, Epsilon, y);
            NormalizationKernels.BatchNormBackward(c.Dy, xhat, inv, c.Gamma, rows, stride, width, dx, dg, db);
            NormalizationKernels.LayerNormForward(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, xhat, invRows, y);
            NormalizationKernels.LayerNormForward(c.X, rows, stride, width, c.Gamma, c.Beta, Epsilon, Span<float>.Empty, Span<float>.Empty, y);
            NormalizationKernels.LayerNormBackward(c.Dy, xhat, invRows, c.Gamma, rows, stride, width, dx, dg, db);
        });
    }
}
