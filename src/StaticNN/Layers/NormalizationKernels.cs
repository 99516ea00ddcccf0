using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNN.Layers;

/// <summary>
/// Batch and layer normalization kernels (forward and backward) on the padded row-major buffers of generated
/// networks: <c>rows</c> rows of <c>stride</c> floats (a multiple of 16), of which the first <c>width</c> are features
/// and the lanes <c>[width, stride)</c> are padding.
/// </summary>
/// <remarks>
/// <para>
/// Padding lanes of the inputs are never trusted (they may hold anything, NaN included): every output writes 0 into
/// its padding lanes, except the running statistics of batch normalization, whose padding lanes are left unchanged.
/// Matrices must have at least <c>rows * stride</c> elements and per-feature vectors at least <c>stride</c>; only
/// that prefix is read or written, so buffers sized for a larger batch can be passed as they are.
/// </para>
/// <para>
/// Accuracy: the per-feature sums of batch normalization run over the rows (the batch), one sequential sum per
/// feature, so they are accumulated in <see cref="double"/> (mean, the biased variance as a second pass around the
/// mean, <c>1 / sqrt(var + epsilon)</c>, and the gradient sums <c>dBeta</c>, <c>dGamma</c>, also for layer
/// normalization). The per-row sums of layer normalization run over the features of one row and are accumulated in
/// <see cref="float"/> with one partial sum per vector lane (16, 8 or 4 of them; <see cref="double"/> on the
/// software path), mean first, then the variance around it. Element-wise results are computed in <see cref="float"/>.
/// </para>
/// <para>
/// Vectorised with <see cref="Vector512"/>, <see cref="Vector256"/> or <see cref="Vector128"/>, whichever is
/// hardware accelerated (lanes are features; strides are multiples of 16, so there are no scalar tails), with a
/// software fallback. None of the methods allocates.
/// </para>
/// </remarks>
public static class NormalizationKernels
{
    /// <summary>
    /// Batch normalization, training mode. For each feature <c>j &lt; width</c> over the <paramref name="rows"/>
    /// samples: the mean <c>mean_j</c> and the biased variance <c>var_j</c> (divided by <paramref name="rows"/>, as
    /// Keras does), <c>inverseStd_j = 1 / sqrt(var_j + epsilon)</c>, <c>xhat = (x - mean_j) * inverseStd_j</c> and
    /// <c>y = gamma_j * xhat + beta_j</c>. Updates the running statistics as Keras does:
    /// <c>runningMean = runningMean * momentum + mean_j * (1 - momentum)</c>, and <c>runningVariance</c> likewise with
    /// <c>var_j</c> (biased). Does not allocate.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <c>rows == 1</c> is allowed: the variance is 0, so <c>xhat = 0</c> and <c>y = beta</c>, and
    /// <c>inverseStd = 1 / sqrt(epsilon)</c> (Keras behaves the same). Mean, variance and <c>inverseStd</c> are computed
    /// in <see cref="double"/> and rounded once to <see cref="float"/>; <c>xhat</c> and <c>y</c> are computed in
    /// <see cref="float"/> from them. The vector and software paths give identical results.
    /// </para>
    /// <para>
    /// Aliasing: <paramref name="y"/> may be the same buffer as <paramref name="x"/> (in place, same start); no other
    /// outputs may overlap each other or the inputs.
    /// </para>
    /// </remarks>
    /// <param name="x">Input, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="rows">Number of samples, at least 1.</param>
    /// <param name="stride">Floats per row: a multiple of 16, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of features, at least 1.</param>
    /// <param name="gamma">Scale per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="beta">Offset per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="epsilon">Added to the variance; positive (Keras' default is 1e-3).</param>
    /// <param name="momentum">Running-statistics momentum in [0, 1] (Keras' default is 0.99).</param>
    /// <param name="runningMean">Running mean, <c>stride</c> elements, updated in place (padding unchanged).</param>
    /// <param name="runningVariance">Running variance, <c>stride</c> elements, updated in place (padding unchanged).</param>
    /// <param name="xhat">Receives the normalized input, <c>rows * stride</c> elements (padding 0).</param>
    /// <param name="inverseStd">Receives <c>1 / sqrt(var + epsilon)</c>, <c>stride</c> elements (padding 0).</param>
    /// <param name="y">Receives the output, <c>rows * stride</c> elements (padding 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/> or not a multiple of 16, <paramref name="epsilon"/> is not positive, or
    /// <paramref name="momentum"/> is not in [0, 1].
    /// </exception>
    /// <exception cref="ArgumentException">A span is shorter than required.</exception>
    public static void BatchNormTraining(ReadOnlySpan<float> x, int rows, int stride, int width,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, float momentum,
        Span<float> runningMean, Span<float> runningVariance, Span<float> xhat, Span<float> inverseStd, Span<float> y)
    {
        LayerArguments.CheckShape(rows, stride, width);
        CheckEpsilon(epsilon);
        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1].");
        }

        LayerArguments.CheckMatrix(x.Length, rows, stride, nameof(x));
        LayerArguments.CheckVector(gamma.Length, stride, nameof(gamma), nameof(stride));
        LayerArguments.CheckVector(beta.Length, stride, nameof(beta), nameof(stride));
        LayerArguments.CheckVector(runningMean.Length, stride, nameof(runningMean), nameof(stride));
        LayerArguments.CheckVector(runningVariance.Length, stride, nameof(runningVariance), nameof(stride));
        LayerArguments.CheckMatrix(xhat.Length, rows, stride, nameof(xhat));
        LayerArguments.CheckVector(inverseStd.Length, stride, nameof(inverseStd), nameof(stride));
        LayerArguments.CheckMatrix(y.Length, rows, stride, nameof(y));

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float mr = ref MemoryMarshal.GetReference(runningMean);
        ref float vr = ref MemoryMarshal.GetReference(runningVariance);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float ir = ref MemoryMarshal.GetReference(inverseStd);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            BatchNormTraining512(ref xr, rows, stride, width, ref gr, ref br, epsilon, momentum, ref mr, ref vr, ref hr, ref ir, ref yr);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BatchNormTraining256(ref xr, rows, stride, width, ref gr, ref br, epsilon, momentum, ref mr, ref vr, ref hr, ref ir, ref yr);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            BatchNormTraining128(ref xr, rows, stride, width, ref gr, ref br, epsilon, momentum, ref mr, ref vr, ref hr, ref ir, ref yr);
        }
        else
        {
            BatchNormTrainingScalar(x, rows, stride, width, gamma, beta, epsilon, momentum, runningMean, runningVariance, xhat, inverseStd, y);
        }
    }

    /// <summary>
    /// Batch normalization, inference mode: <c>y = (x - runningMean_j) * (gamma_j / sqrt(runningVariance_j + epsilon)) + beta_j</c>
    /// for each feature <c>j &lt; width</c>; padding lanes of <paramref name="y"/> are set to 0. Computed in
    /// <see cref="float"/>; the vector and software paths give identical results. <paramref name="y"/> may be the
    /// same buffer as <paramref name="x"/> (in place). Does not allocate.
    /// </summary>
    /// <param name="x">Input, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="rows">Number of samples, at least 1.</param>
    /// <param name="stride">Floats per row: a multiple of 16, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of features, at least 1.</param>
    /// <param name="gamma">Scale per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="beta">Offset per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="runningMean">Running mean, <c>stride</c> elements (padding ignored).</param>
    /// <param name="runningVariance">Running variance, <c>stride</c> elements (padding ignored).</param>
    /// <param name="epsilon">Added to the variance; positive.</param>
    /// <param name="y">Receives the output, <c>rows * stride</c> elements (padding 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/> or not a multiple of 16, or <paramref name="epsilon"/> is not positive.
    /// </exception>
    /// <exception cref="ArgumentException">A span is shorter than required.</exception>
    public static void BatchNormInference(ReadOnlySpan<float> x, int rows, int stride, int width,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance,
        float epsilon, Span<float> y)
    {
        LayerArguments.CheckShape(rows, stride, width);
        CheckEpsilon(epsilon);
        LayerArguments.CheckMatrix(x.Length, rows, stride, nameof(x));
        LayerArguments.CheckVector(gamma.Length, stride, nameof(gamma), nameof(stride));
        LayerArguments.CheckVector(beta.Length, stride, nameof(beta), nameof(stride));
        LayerArguments.CheckVector(runningMean.Length, stride, nameof(runningMean), nameof(stride));
        LayerArguments.CheckVector(runningVariance.Length, stride, nameof(runningVariance), nameof(stride));
        LayerArguments.CheckMatrix(y.Length, rows, stride, nameof(y));

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float mr = ref MemoryMarshal.GetReference(runningMean);
        ref float vr = ref MemoryMarshal.GetReference(runningVariance);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            BatchNormInference512(ref xr, rows, stride, width, ref gr, ref br, ref mr, ref vr, epsilon, ref yr);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BatchNormInference256(ref xr, rows, stride, width, ref gr, ref br, ref mr, ref vr, epsilon, ref yr);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            BatchNormInference128(ref xr, rows, stride, width, ref gr, ref br, ref mr, ref vr, epsilon, ref yr);
        }
        else
        {
            for (int j = 0; j < stride; j++)
            {
                if (j >= width)
                {
                    ZeroColumn(y, rows, stride, j);
                    continue;
                }

                float scale = gamma[j] / MathF.Sqrt(runningVariance[j] + epsilon);
                float mean = runningMean[j], b = beta[j];
                for (int r = 0; r < rows; r++)
                {
                    int at = r * stride + j;
                    y[at] = (x[at] - mean) * scale + b;
                }
            }
        }
    }

    /// <summary>
    /// Backward pass of <see cref="BatchNormTraining"/> given <c>dy = dL/dy</c>. Per feature <c>j &lt; width</c>:
    /// <c>dBeta_j = sum_m dy</c>, <c>dGamma_j = sum_m dy * xhat</c> (summed in <see cref="double"/>; overwritten, not
    /// accumulated; padding 0) and
    /// <c>dx = (inverseStd_j / rows) * (rows * dy * gamma_j - sum_m(dy * gamma_j) - xhat * sum_m(dy * gamma_j * xhat))</c>,
    /// evaluated as <c>(inverseStd_j * gamma_j / rows) * (rows * dy - dBeta_j - xhat * dGamma_j)</c> (padding 0).
    /// Does not allocate.
    /// </summary>
    /// <param name="dy">Upstream gradient, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="xhat">The <c>xhat</c> written by <see cref="BatchNormTraining"/>, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="inverseStd">The <c>inverseStd</c> written by <see cref="BatchNormTraining"/>, <c>stride</c> elements (padding ignored).</param>
    /// <param name="gamma">Scale per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="rows">Number of samples, at least 1.</param>
    /// <param name="stride">Floats per row: a multiple of 16, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of features, at least 1.</param>
    /// <param name="dx">Receives dL/dx, <c>rows * stride</c> elements (padding 0). Must not overlap <paramref name="dy"/>.</param>
    /// <param name="dGamma">Receives dL/dgamma, <c>stride</c> elements (padding 0).</param>
    /// <param name="dBeta">Receives dL/dbeta, <c>stride</c> elements (padding 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, or <paramref name="stride"/> is less than
    /// <paramref name="width"/> or not a multiple of 16.
    /// </exception>
    /// <exception cref="ArgumentException">A span is shorter than required, or <paramref name="dx"/> overlaps <paramref name="dy"/>.</exception>
    public static void BatchNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> inverseStd,
        ReadOnlySpan<float> gamma, int rows, int stride, int width, Span<float> dx, Span<float> dGamma, Span<float> dBeta)
    {
        LayerArguments.CheckShape(rows, stride, width);
        LayerArguments.CheckMatrix(dy.Length, rows, stride, nameof(dy));
        LayerArguments.CheckMatrix(xhat.Length, rows, stride, nameof(xhat));
        LayerArguments.CheckVector(inverseStd.Length, stride, nameof(inverseStd), nameof(stride));
        LayerArguments.CheckVector(gamma.Length, stride, nameof(gamma), nameof(stride));
        LayerArguments.CheckMatrix(dx.Length, rows, stride, nameof(dx));
        LayerArguments.CheckVector(dGamma.Length, stride, nameof(dGamma), nameof(stride));
        LayerArguments.CheckVector(dBeta.Length, stride, nameof(dBeta), nameof(stride));
        LayerArguments.CheckNoOverlap(dx, dy, nameof(dx), nameof(dy));

        ColumnSums(dy, xhat, rows, stride, width, dGamma, dBeta);

        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float ir = ref MemoryMarshal.GetReference(inverseStd);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        ref float dgr = ref MemoryMarshal.GetReference(dGamma);
        ref float dbr = ref MemoryMarshal.GetReference(dBeta);
        if (Vector512.IsHardwareAccelerated)
        {
            BatchNormDx512(ref dyr, ref hr, ref ir, ref gr, rows, stride, width, ref dgr, ref dbr, ref dxr);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BatchNormDx256(ref dyr, ref hr, ref ir, ref gr, rows, stride, width, ref dgr, ref dbr, ref dxr);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            BatchNormDx128(ref dyr, ref hr, ref ir, ref gr, rows, stride, width, ref dgr, ref dbr, ref dxr);
        }
        else
        {
            float n = rows;
            for (int j = 0; j < stride; j++)
            {
                if (j >= width)
                {
                    ZeroColumn(dx, rows, stride, j);
                    continue;
                }

                float c = inverseStd[j] * gamma[j] / n, sumDy = dBeta[j], sumDyXhat = dGamma[j];
                for (int r = 0; r < rows; r++)
                {
                    int at = r * stride + j;
                    dx[at] = c * (n * dy[at] - sumDy - xhat[at] * sumDyXhat);
                }
            }
        }
    }

    /// <summary>
    /// Layer normalization: per row, the mean and biased variance of its <paramref name="width"/> features (summed in
    /// <see cref="float"/> with vector partial sums), <c>inverseStd_r = 1 / sqrt(var_r + epsilon)</c>,
    /// <c>xhat = (x - mean_r) * inverseStd_r</c> and <c>y = gamma_j * xhat + beta_j</c> (padding 0). Does not allocate.
    /// </summary>
    /// <remarks>
    /// <paramref name="xhat"/> and <paramref name="inverseStd"/> are only needed by <see cref="LayerNormBackward"/>:
    /// either may be empty (inference), and is then not written. <paramref name="y"/> may be the same buffer as
    /// <paramref name="x"/> (in place); no other overlaps are allowed.
    /// </remarks>
    /// <param name="x">Input, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="rows">Number of rows, at least 1.</param>
    /// <param name="stride">Floats per row: a multiple of 16, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of features per row, at least 1.</param>
    /// <param name="gamma">Scale per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="beta">Offset per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="epsilon">Added to the variance; positive.</param>
    /// <param name="xhat">Empty, or receives the normalized input, <c>rows * stride</c> elements (padding 0).</param>
    /// <param name="inverseStd">Empty, or receives <c>1 / sqrt(var_r + epsilon)</c> per row, <c>rows</c> elements.</param>
    /// <param name="y">Receives the output, <c>rows * stride</c> elements (padding 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/> or not a multiple of 16, or <paramref name="epsilon"/> is not positive.
    /// </exception>
    /// <exception cref="ArgumentException">A span is shorter than required (and, for the optional ones, not empty).</exception>
    public static void LayerNormForward(ReadOnlySpan<float> x, int rows, int stride, int width,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, Span<float> xhat, Span<float> inverseStd, Span<float> y)
    {
        LayerArguments.CheckShape(rows, stride, width);
        CheckEpsilon(epsilon);
        LayerArguments.CheckMatrix(x.Length, rows, stride, nameof(x));
        LayerArguments.CheckVector(gamma.Length, stride, nameof(gamma), nameof(stride));
        LayerArguments.CheckVector(beta.Length, stride, nameof(beta), nameof(stride));
        bool storeXhat = !xhat.IsEmpty, storeInverseStd = !inverseStd.IsEmpty;
        if (storeXhat)
        {
            LayerArguments.CheckMatrix(xhat.Length, rows, stride, nameof(xhat));
        }

        if (storeInverseStd)
        {
            LayerArguments.CheckVector(inverseStd.Length, rows, nameof(inverseStd), nameof(rows));
        }

        LayerArguments.CheckMatrix(y.Length, rows, stride, nameof(y));

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float ir = ref MemoryMarshal.GetReference(inverseStd);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            LayerNormForward512(ref xr, rows, stride, width, ref gr, ref br, epsilon, ref hr, storeXhat, ref ir, storeInverseStd, ref yr);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            LayerNormForward256(ref xr, rows, stride, width, ref gr, ref br, epsilon, ref hr, storeXhat, ref ir, storeInverseStd, ref yr);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            LayerNormForward128(ref xr, rows, stride, width, ref gr, ref br, epsilon, ref hr, storeXhat, ref ir, storeInverseStd, ref yr);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                int start = r * stride;
                double sum = 0;
                for (int j = 0; j < width; j++)
                {
                    sum += x[start + j];
                }

                float mean = (float)(sum / width);
                double squares = 0;
                for (int j = 0; j < width; j++)
                {
                    float d = x[start + j] - mean;
                    squares += d * d;
                }

                float inv = 1f / MathF.Sqrt((float)(squares / width) + epsilon);
                if (storeInverseStd)
                {
                    inverseStd[r] = inv;
                }

                for (int j = 0; j < width; j++)
                {
                    float h = (x[start + j] - mean) * inv;
                    if (storeXhat)
                    {
                        xhat[start + j] = h;
                    }

                    y[start + j] = gamma[j] * h + beta[j];
                }

                if (storeXhat)
                {
                    xhat.Slice(start + width, stride - width).Clear();
                }

                y.Slice(start + width, stride - width).Clear();
            }
        }
    }

    /// <summary>
    /// Backward pass of <see cref="LayerNormForward"/> given <c>dy = dL/dy</c>. Per row <c>r</c>, with
    /// <c>g = dy * gamma_j</c>: <c>dx = inverseStd_r / width * (width * g - sum_j g - xhat * sum_j(g * xhat))</c>
    /// (row sums in <see cref="float"/> with vector partial sums; padding 0). Per feature: <c>dGamma_j = sum_r dy * xhat</c>
    /// and <c>dBeta_j = sum_r dy</c> (summed in <see cref="double"/>; overwritten, not accumulated; padding 0).
    /// Does not allocate.
    /// </summary>
    /// <param name="dy">Upstream gradient, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="xhat">The <c>xhat</c> written by <see cref="LayerNormForward"/>, <c>rows * stride</c> elements (padding ignored).</param>
    /// <param name="inverseStd">The <c>inverseStd</c> written by <see cref="LayerNormForward"/>, <c>rows</c> elements.</param>
    /// <param name="gamma">Scale per feature, <c>stride</c> elements (padding ignored).</param>
    /// <param name="rows">Number of rows, at least 1.</param>
    /// <param name="stride">Floats per row: a multiple of 16, at least <paramref name="width"/>.</param>
    /// <param name="width">Number of features per row, at least 1.</param>
    /// <param name="dx">Receives dL/dx, <c>rows * stride</c> elements (padding 0). Must not overlap <paramref name="dy"/>.</param>
    /// <param name="dGamma">Receives dL/dgamma, <c>stride</c> elements (padding 0).</param>
    /// <param name="dBeta">Receives dL/dbeta, <c>stride</c> elements (padding 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, or <paramref name="stride"/> is less than
    /// <paramref name="width"/> or not a multiple of 16.
    /// </exception>
    /// <exception cref="ArgumentException">A span is shorter than required, or <paramref name="dx"/> overlaps <paramref name="dy"/>.</exception>
    public static void LayerNormBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> inverseStd,
        ReadOnlySpan<float> gamma, int rows, int stride, int width, Span<float> dx, Span<float> dGamma, Span<float> dBeta)
    {
        LayerArguments.CheckShape(rows, stride, width);
        LayerArguments.CheckMatrix(dy.Length, rows, stride, nameof(dy));
        LayerArguments.CheckMatrix(xhat.Length, rows, stride, nameof(xhat));
        LayerArguments.CheckVector(inverseStd.Length, rows, nameof(inverseStd), nameof(rows));
        LayerArguments.CheckVector(gamma.Length, stride, nameof(gamma), nameof(stride));
        LayerArguments.CheckMatrix(dx.Length, rows, stride, nameof(dx));
        LayerArguments.CheckVector(dGamma.Length, stride, nameof(dGamma), nameof(stride));
        LayerArguments.CheckVector(dBeta.Length, stride, nameof(dBeta), nameof(stride));
        LayerArguments.CheckNoOverlap(dx, dy, nameof(dx), nameof(dy));

        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float ir = ref MemoryMarshal.GetReference(inverseStd);
        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector512.IsHardwareAccelerated)
        {
            LayerNormDx512(ref dyr, ref hr, ref ir, ref gr, rows, stride, width, ref dxr);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            LayerNormDx256(ref dyr, ref hr, ref ir, ref gr, rows, stride, width, ref dxr);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            LayerNormDx128(ref dyr, ref hr, ref ir, ref gr, rows, stride, width, ref dxr);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                int start = r * stride;
                double sumG = 0, sumGXhat = 0;
                for (int j = 0; j < width; j++)
                {
                    float g = dy[start + j] * gamma[j];
                    sumG += g;
                    sumGXhat += g * xhat[start + j];
                }

                float k = inverseStd[r] / width, n = width, sg = (float)sumG, sgx = (float)sumGXhat;
                for (int j = 0; j < width; j++)
                {
                    float g = dy[start + j] * gamma[j];
                    dx[start + j] = k * (n * g - sg - xhat[start + j] * sgx);
                }

                dx.Slice(start + width, stride - width).Clear();
            }
        }

        ColumnSums(dy, xhat, rows, stride, width, dGamma, dBeta);
    }

    private static void CheckEpsilon(float epsilon)
    {
        if (!(epsilon > 0f) || float.IsPositiveInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite.");
        }
    }

    private static void ZeroColumn(Span<float> matrix, int rows, int stride, int j)
    {
        for (int r = 0; r < rows; r++)
        {
            matrix[r * stride + j] = 0f;
        }
    }

    /// <summary>dBeta_j = sum_r dy, dGamma_j = sum_r dy * xhat, in double; padding lanes 0. Shapes checked by the caller.</summary>
    private static void ColumnSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, int rows, int stride, int width,
        Span<float> dGamma, Span<float> dBeta)
    {
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float hr = ref MemoryMarshal.GetReference(xhat);
        ref float dgr = ref MemoryMarshal.GetReference(dGamma);
        ref float dbr = ref MemoryMarshal.GetReference(dBeta);
        if (Vector512.IsHardwareAccelerated)
        {
            ColumnSums512(ref dyr, ref hr, rows, stride, width, ref dgr, ref dbr);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ColumnSums256(ref dyr, ref hr, rows, stride, width, ref dgr, ref dbr);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ColumnSums128(ref dyr, ref hr, rows, stride, width, ref dgr, ref dbr);
        }
        else
        {
            for (int j = 0; j < stride; j++)
            {
                if (j >= width)
                {
                    dGamma[j] = 0f;
                    dBeta[j] = 0f;
                    continue;
                }

                double sumDy = 0, sumDyXhat = 0;
                for (int r = 0; r < rows; r++)
                {
                    int at = r * stride + j;
                    double d = dy[at];
                    sumDy += d;
                    sumDyXhat += d * xhat[at];
                }

                dGamma[j] = (float)sumDyXhat;
                dBeta[j] = (float)sumDy;
            }
        }
    }

    private static void BatchNormTrainingScalar(ReadOnlySpan<float> x, int rows, int stride, int width,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon, float momentum,
        Span<float> runningMean, Span<float> runningVariance, Span<float> xhat, Span<float> inverseStd, Span<float> y)
    {
        float take = 1f - momentum;
        for (int j = 0; j < stride; j++)
        {
            if (j >= width)
            {
                inverseStd[j] = 0f;
                ZeroColumn(xhat, rows, stride, j);
                ZeroColumn(y, rows, stride, j);
                continue;
            }

            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                sum += x[r * stride + j];
            }

            double meanD = sum / rows, squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = x[r * stride + j] - meanD;
                squares += d * d;
            }

            double varianceD = squares / rows;
            float mean = (float)meanD, variance = (float)varianceD, inv = (float)(1.0 / Math.Sqrt(varianceD + epsilon));
            runningMean[j] = runningMean[j] * momentum + mean * take;
            runningVariance[j] = runningVariance[j] * momentum + variance * take;
            inverseStd[j] = inv;
            float g = gamma[j], b = beta[j];
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride + j;
                float h = (x[at] - mean) * inv;
                xhat[at] = h;
                y[at] = g * h + b;
            }
        }
    }

    // ---------------------------------------------------------------- Vector512 (lanes = features)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Valid512(int j, Vector512<int> limit) =>
        Vector512.LessThan(Vector512<int>.Indices + Vector512.Create(j), limit).AsSingle();

    private static void BatchNormTraining512(ref float x, int rows, int stride, int width, ref float gamma, ref float beta,
        float epsilon, float momentum, ref float runningMean, ref float runningVariance, ref float xhat, ref float inverseStd, ref float y)
    {
        Vector512<int> limit = Vector512.Create(width);
        Vector512<double> count = Vector512.Create((double)rows), eps = Vector512.Create((double)epsilon);
        Vector512<float> keep = Vector512.Create(momentum), take = Vector512.Create(1f - momentum);
        for (int j = 0; j < stride; j += Vector512<float>.Count)
        {
            Vector512<float> valid = Valid512(j, limit);
            Vector512<double> sumLo = Vector512<double>.Zero, sumHi = Vector512<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref x, (nuint)(r * stride + j)));
                sumLo += lo;
                sumHi += hi;
            }

            Vector512<double> meanLo = sumLo / count, meanHi = sumHi / count;
            Vector512<double> squaresLo = Vector512<double>.Zero, squaresHi = Vector512<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref x, (nuint)(r * stride + j)));
                lo -= meanLo;
                hi -= meanHi;
                squaresLo += lo * lo;
                squaresHi += hi * hi;
            }

            Vector512<double> varianceLo = squaresLo / count, varianceHi = squaresHi / count;
            Vector512<float> mean = Vector512.Narrow(meanLo, meanHi);
            Vector512<float> variance = Vector512.Narrow(varianceLo, varianceHi);
            Vector512<float> inv = Vector512.Narrow(
                Vector512<double>.One / Vector512.Sqrt(varianceLo + eps), Vector512<double>.One / Vector512.Sqrt(varianceHi + eps));

            nuint at = (nuint)j;
            Vector512<float> oldMean = Vector512.LoadUnsafe(ref runningMean, at);
            Vector512.ConditionalSelect(valid, oldMean * keep + mean * take, oldMean).StoreUnsafe(ref runningMean, at);
            Vector512<float> oldVariance = Vector512.LoadUnsafe(ref runningVariance, at);
            Vector512.ConditionalSelect(valid, oldVariance * keep + variance * take, oldVariance).StoreUnsafe(ref runningVariance, at);
            Vector512.ConditionalSelect(valid, inv, Vector512<float>.Zero).StoreUnsafe(ref inverseStd, at);

            Vector512<float> g = Vector512.LoadUnsafe(ref gamma, at), b = Vector512.LoadUnsafe(ref beta, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector512<float> h = Vector512.ConditionalSelect(valid, (Vector512.LoadUnsafe(ref x, i) - mean) * inv, Vector512<float>.Zero);
                h.StoreUnsafe(ref xhat, i);
                Vector512.ConditionalSelect(valid, g * h + b, Vector512<float>.Zero).StoreUnsafe(ref y, i);
            }
        }
    }

    private static void BatchNormInference512(ref float x, int rows, int stride, int width, ref float gamma, ref float beta,
        ref float runningMean, ref float runningVariance, float epsilon, ref float y)
    {
        Vector512<int> limit = Vector512.Create(width);
        Vector512<float> eps = Vector512.Create(epsilon);
        for (int j = 0; j < stride; j += Vector512<float>.Count)
        {
            Vector512<float> valid = Valid512(j, limit);
            nuint at = (nuint)j;
            Vector512<float> scale = Vector512.LoadUnsafe(ref gamma, at) / Vector512.Sqrt(Vector512.LoadUnsafe(ref runningVariance, at) + eps);
            Vector512<float> mean = Vector512.LoadUnsafe(ref runningMean, at), b = Vector512.LoadUnsafe(ref beta, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector512.ConditionalSelect(valid, (Vector512.LoadUnsafe(ref x, i) - mean) * scale + b, Vector512<float>.Zero)
                    .StoreUnsafe(ref y, i);
            }
        }
    }

    private static void ColumnSums512(ref float dy, ref float xhat, int rows, int stride, int width, ref float dGamma, ref float dBeta)
    {
        Vector512<int> limit = Vector512.Create(width);
        for (int j = 0; j < stride; j += Vector512<float>.Count)
        {
            Vector512<float> valid = Valid512(j, limit);
            Vector512<double> dyLo = Vector512<double>.Zero, dyHi = Vector512<double>.Zero;
            Vector512<double> dyXhatLo = Vector512<double>.Zero, dyXhatHi = Vector512<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                (Vector512<double> dLo, Vector512<double> dHi) = Vector512.Widen(Vector512.LoadUnsafe(ref dy, i));
                (Vector512<double> hLo, Vector512<double> hHi) = Vector512.Widen(Vector512.LoadUnsafe(ref xhat, i));
                dyLo += dLo;
                dyHi += dHi;
                dyXhatLo += dLo * hLo;
                dyXhatHi += dHi * hHi;
            }

            nuint at = (nuint)j;
            Vector512.ConditionalSelect(valid, Vector512.Narrow(dyXhatLo, dyXhatHi), Vector512<float>.Zero).StoreUnsafe(ref dGamma, at);
            Vector512.ConditionalSelect(valid, Vector512.Narrow(dyLo, dyHi), Vector512<float>.Zero).StoreUnsafe(ref dBeta, at);
        }
    }

    private static void BatchNormDx512(ref float dy, ref float xhat, ref float inverseStd, ref float gamma, int rows, int stride, int width,
        ref float dGamma, ref float dBeta, ref float dx)
    {
        Vector512<int> limit = Vector512.Create(width);
        Vector512<float> n = Vector512.Create((float)rows);
        for (int j = 0; j < stride; j += Vector512<float>.Count)
        {
            Vector512<float> valid = Valid512(j, limit);
            nuint at = (nuint)j;
            Vector512<float> c = Vector512.LoadUnsafe(ref inverseStd, at) * Vector512.LoadUnsafe(ref gamma, at) / n;
            Vector512<float> sumDy = Vector512.LoadUnsafe(ref dBeta, at), sumDyXhat = Vector512.LoadUnsafe(ref dGamma, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector512<float> d = c * (n * Vector512.LoadUnsafe(ref dy, i) - sumDy - Vector512.LoadUnsafe(ref xhat, i) * sumDyXhat);
                Vector512.ConditionalSelect(valid, d, Vector512<float>.Zero).StoreUnsafe(ref dx, i);
            }
        }
    }

    private static void LayerNormForward512(ref float x, int rows, int stride, int width, ref float gamma, ref float beta, float epsilon,
        ref float xhat, bool storeXhat, ref float inverseStd, bool storeInverseStd, ref float y)
    {
        Vector512<int> limit = Vector512.Create(width);
        for (int r = 0; r < rows; r++)
        {
            ref float xr = ref Unsafe.Add(ref x, r * stride);
            Vector512<float> sum = Vector512<float>.Zero;
            for (int j = 0; j < stride; j += Vector512<float>.Count)
            {
                sum += Vector512.ConditionalSelect(Valid512(j, limit), Vector512.LoadUnsafe(ref xr, (nuint)j), Vector512<float>.Zero);
            }

            Vector512<float> mean = Vector512.Create(Vector512.Sum(sum) / width);
            Vector512<float> squares = Vector512<float>.Zero;
            for (int j = 0; j < stride; j += Vector512<float>.Count)
            {
                Vector512<float> d = Vector512.ConditionalSelect(Valid512(j, limit), Vector512.LoadUnsafe(ref xr, (nuint)j) - mean, Vector512<float>.Zero);
                squares += d * d;
            }

            float inv = 1f / MathF.Sqrt(Vector512.Sum(squares) / width + epsilon);
            if (storeInverseStd)
            {
                Unsafe.Add(ref inverseStd, r) = inv;
            }

            Vector512<float> vinv = Vector512.Create(inv);
            ref float hr = ref Unsafe.Add(ref xhat, storeXhat ? r * stride : 0);
            ref float yr = ref Unsafe.Add(ref y, r * stride);
            for (int j = 0; j < stride; j += Vector512<float>.Count)
            {
                Vector512<float> valid = Valid512(j, limit);
                nuint at = (nuint)j;
                Vector512<float> h = Vector512.ConditionalSelect(valid, (Vector512.LoadUnsafe(ref xr, at) - mean) * vinv, Vector512<float>.Zero);
                if (storeXhat)
                {
                    h.StoreUnsafe(ref hr, at);
                }

                Vector512<float> o = Vector512.LoadUnsafe(ref gamma, at) * h + Vector512.LoadUnsafe(ref beta, at);
                Vector512.ConditionalSelect(valid, o, Vector512<float>.Zero).StoreUnsafe(ref yr, at);
            }
        }
    }

    private static void LayerNormDx512(ref float dy, ref float xhat, ref float inverseStd, ref float gamma, int rows, int stride, int width, ref float dx)
    {
        Vector512<int> limit = Vector512.Create(width);
        Vector512<float> n = Vector512.Create((float)width);
        for (int r = 0; r < rows; r++)
        {
            ref float dyr = ref Unsafe.Add(ref dy, r * stride);
            ref float hr = ref Unsafe.Add(ref xhat, r * stride);
            Vector512<float> sumG = Vector512<float>.Zero, sumGXhat = Vector512<float>.Zero;
            for (int j = 0; j < stride; j += Vector512<float>.Count)
            {
                Vector512<float> valid = Valid512(j, limit);
                nuint at = (nuint)j;
                Vector512<float> g = Vector512.ConditionalSelect(valid, Vector512.LoadUnsafe(ref dyr, at) * Vector512.LoadUnsafe(ref gamma, at), Vector512<float>.Zero);
                Vector512<float> h = Vector512.ConditionalSelect(valid, Vector512.LoadUnsafe(ref hr, at), Vector512<float>.Zero);
                sumG += g;
                sumGXhat += g * h;
            }

            Vector512<float> k = Vector512.Create(Unsafe.Add(ref inverseStd, r) / width);
            Vector512<float> sg = Vector512.Create(Vector512.Sum(sumG)), sgx = Vector512.Create(Vector512.Sum(sumGXhat));
            ref float dxr = ref Unsafe.Add(ref dx, r * stride);
            for (int j = 0; j < stride; j += Vector512<float>.Count)
            {
                nuint at = (nuint)j;
                Vector512<float> g = Vector512.LoadUnsafe(ref dyr, at) * Vector512.LoadUnsafe(ref gamma, at);
                Vector512<float> d = k * (n * g - sg - Vector512.LoadUnsafe(ref hr, at) * sgx);
                Vector512.ConditionalSelect(Valid512(j, limit), d, Vector512<float>.Zero).StoreUnsafe(ref dxr, at);
            }
        }
    }

    // ---------------------------------------------------------------- Vector256 (lanes = features)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Valid256(int j, Vector256<int> limit) =>
        Vector256.LessThan(Vector256<int>.Indices + Vector256.Create(j), limit).AsSingle();

    private static void BatchNormTraining256(ref float x, int rows, int stride, int width, ref float gamma, ref float beta,
        float epsilon, float momentum, ref float runningMean, ref float runningVariance, ref float xhat, ref float inverseStd, ref float y)
    {
        Vector256<int> limit = Vector256.Create(width);
        Vector256<double> count = Vector256.Create((double)rows), eps = Vector256.Create((double)epsilon);
        Vector256<float> keep = Vector256.Create(momentum), take = Vector256.Create(1f - momentum);
        for (int j = 0; j < stride; j += Vector256<float>.Count)
        {
            Vector256<float> valid = Valid256(j, limit);
            Vector256<double> sumLo = Vector256<double>.Zero, sumHi = Vector256<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)(r * stride + j)));
                sumLo += lo;
                sumHi += hi;
            }

            Vector256<double> meanLo = sumLo / count, meanHi = sumHi / count;
            Vector256<double> squaresLo = Vector256<double>.Zero, squaresHi = Vector256<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)(r * stride + j)));
                lo -= meanLo;
                hi -= meanHi;
                squaresLo += lo * lo;
                squaresHi += hi * hi;
            }

            Vector256<double> varianceLo = squaresLo / count, varianceHi = squaresHi / count;
            Vector256<float> mean = Vector256.Narrow(meanLo, meanHi);
            Vector256<float> variance = Vector256.Narrow(varianceLo, varianceHi);
            Vector256<float> inv = Vector256.Narrow(
                Vector256<double>.One / Vector256.Sqrt(varianceLo + eps), Vector256<double>.One / Vector256.Sqrt(varianceHi + eps));

            nuint at = (nuint)j;
            Vector256<float> oldMean = Vector256.LoadUnsafe(ref runningMean, at);
            Vector256.ConditionalSelect(valid, oldMean * keep + mean * take, oldMean).StoreUnsafe(ref runningMean, at);
            Vector256<float> oldVariance = Vector256.LoadUnsafe(ref runningVariance, at);
            Vector256.ConditionalSelect(valid, oldVariance * keep + variance * take, oldVariance).StoreUnsafe(ref runningVariance, at);
            Vector256.ConditionalSelect(valid, inv, Vector256<float>.Zero).StoreUnsafe(ref inverseStd, at);

            Vector256<float> g = Vector256.LoadUnsafe(ref gamma, at), b = Vector256.LoadUnsafe(ref beta, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector256<float> h = Vector256.ConditionalSelect(valid, (Vector256.LoadUnsafe(ref x, i) - mean) * inv, Vector256<float>.Zero);
                h.StoreUnsafe(ref xhat, i);
                Vector256.ConditionalSelect(valid, g * h + b, Vector256<float>.Zero).StoreUnsafe(ref y, i);
            }
        }
    }

    private static void BatchNormInference256(ref float x, int rows, int stride, int width, ref float gamma, ref float beta,
        ref float runningMean, ref float runningVariance, float epsilon, ref float y)
    {
        Vector256<int> limit = Vector256.Create(width);
        Vector256<float> eps = Vector256.Create(epsilon);
        for (int j = 0; j < stride; j += Vector256<float>.Count)
        {
            Vector256<float> valid = Valid256(j, limit);
            nuint at = (nuint)j;
            Vector256<float> scale = Vector256.LoadUnsafe(ref gamma, at) / Vector256.Sqrt(Vector256.LoadUnsafe(ref runningVariance, at) + eps);
            Vector256<float> mean = Vector256.LoadUnsafe(ref runningMean, at), b = Vector256.LoadUnsafe(ref beta, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector256.ConditionalSelect(valid, (Vector256.LoadUnsafe(ref x, i) - mean) * scale + b, Vector256<float>.Zero)
                    .StoreUnsafe(ref y, i);
            }
        }
    }

    private static void ColumnSums256(ref float dy, ref float xhat, int rows, int stride, int width, ref float dGamma, ref float dBeta)
    {
        Vector256<int> limit = Vector256.Create(width);
        for (int j = 0; j < stride; j += Vector256<float>.Count)
        {
            Vector256<float> valid = Valid256(j, limit);
            Vector256<double> dyLo = Vector256<double>.Zero, dyHi = Vector256<double>.Zero;
            Vector256<double> dyXhatLo = Vector256<double>.Zero, dyXhatHi = Vector256<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                (Vector256<double> dLo, Vector256<double> dHi) = Vector256.Widen(Vector256.LoadUnsafe(ref dy, i));
                (Vector256<double> hLo, Vector256<double> hHi) = Vector256.Widen(Vector256.LoadUnsafe(ref xhat, i));
                dyLo += dLo;
                dyHi += dHi;
                dyXhatLo += dLo * hLo;
                dyXhatHi += dHi * hHi;
            }

            nuint at = (nuint)j;
            Vector256.ConditionalSelect(valid, Vector256.Narrow(dyXhatLo, dyXhatHi), Vector256<float>.Zero).StoreUnsafe(ref dGamma, at);
            Vector256.ConditionalSelect(valid, Vector256.Narrow(dyLo, dyHi), Vector256<float>.Zero).StoreUnsafe(ref dBeta, at);
        }
    }

    private static void BatchNormDx256(ref float dy, ref float xhat, ref float inverseStd, ref float gamma, int rows, int stride, int width,
        ref float dGamma, ref float dBeta, ref float dx)
    {
        Vector256<int> limit = Vector256.Create(width);
        Vector256<float> n = Vector256.Create((float)rows);
        for (int j = 0; j < stride; j += Vector256<float>.Count)
        {
            Vector256<float> valid = Valid256(j, limit);
            nuint at = (nuint)j;
            Vector256<float> c = Vector256.LoadUnsafe(ref inverseStd, at) * Vector256.LoadUnsafe(ref gamma, at) / n;
            Vector256<float> sumDy = Vector256.LoadUnsafe(ref dBeta, at), sumDyXhat = Vector256.LoadUnsafe(ref dGamma, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector256<float> d = c * (n * Vector256.LoadUnsafe(ref dy, i) - sumDy - Vector256.LoadUnsafe(ref xhat, i) * sumDyXhat);
                Vector256.ConditionalSelect(valid, d, Vector256<float>.Zero).StoreUnsafe(ref dx, i);
            }
        }
    }

    private static void LayerNormForward256(ref float x, int rows, int stride, int width, ref float gamma, ref float beta, float epsilon,
        ref float xhat, bool storeXhat, ref float inverseStd, bool storeInverseStd, ref float y)
    {
        Vector256<int> limit = Vector256.Create(width);
        for (int r = 0; r < rows; r++)
        {
            ref float xr = ref Unsafe.Add(ref x, r * stride);
            Vector256<float> sum = Vector256<float>.Zero;
            for (int j = 0; j < stride; j += Vector256<float>.Count)
            {
                sum += Vector256.ConditionalSelect(Valid256(j, limit), Vector256.LoadUnsafe(ref xr, (nuint)j), Vector256<float>.Zero);
            }

            Vector256<float> mean = Vector256.Create(Vector256.Sum(sum) / width);
            Vector256<float> squares = Vector256<float>.Zero;
            for (int j = 0; j < stride; j += Vector256<float>.Count)
            {
                Vector256<float> d = Vector256.ConditionalSelect(Valid256(j, limit), Vector256.LoadUnsafe(ref xr, (nuint)j) - mean, Vector256<float>.Zero);
                squares += d * d;
            }

            float inv = 1f / MathF.Sqrt(Vector256.Sum(squares) / width + epsilon);
            if (storeInverseStd)
            {
                Unsafe.Add(ref inverseStd, r) = inv;
            }

            Vector256<float> vinv = Vector256.Create(inv);
            ref float hr = ref Unsafe.Add(ref xhat, storeXhat ? r * stride : 0);
            ref float yr = ref Unsafe.Add(ref y, r * stride);
            for (int j = 0; j < stride; j += Vector256<float>.Count)
            {
                Vector256<float> valid = Valid256(j, limit);
                nuint at = (nuint)j;
                Vector256<float> h = Vector256.ConditionalSelect(valid, (Vector256.LoadUnsafe(ref xr, at) - mean) * vinv, Vector256<float>.Zero);
                if (storeXhat)
                {
                    h.StoreUnsafe(ref hr, at);
                }

                Vector256<float> o = Vector256.LoadUnsafe(ref gamma, at) * h + Vector256.LoadUnsafe(ref beta, at);
                Vector256.ConditionalSelect(valid, o, Vector256<float>.Zero).StoreUnsafe(ref yr, at);
            }
        }
    }

    private static void LayerNormDx256(ref float dy, ref float xhat, ref float inverseStd, ref float gamma, int rows, int stride, int width, ref float dx)
    {
        Vector256<int> limit = Vector256.Create(width);
        Vector256<float> n = Vector256.Create((float)width);
        for (int r = 0; r < rows; r++)
        {
            ref float dyr = ref Unsafe.Add(ref dy, r * stride);
            ref float hr = ref Unsafe.Add(ref xhat, r * stride);
            Vector256<float> sumG = Vector256<float>.Zero, sumGXhat = Vector256<float>.Zero;
            for (int j = 0; j < stride; j += Vector256<float>.Count)
            {
                Vector256<float> valid = Valid256(j, limit);
                nuint at = (nuint)j;
                Vector256<float> g = Vector256.ConditionalSelect(valid, Vector256.LoadUnsafe(ref dyr, at) * Vector256.LoadUnsafe(ref gamma, at), Vector256<float>.Zero);
                Vector256<float> h = Vector256.ConditionalSelect(valid, Vector256.LoadUnsafe(ref hr, at), Vector256<float>.Zero);
                sumG += g;
                sumGXhat += g * h;
            }

            Vector256<float> k = Vector256.Create(Unsafe.Add(ref inverseStd, r) / width);
            Vector256<float> sg = Vector256.Create(Vector256.Sum(sumG)), sgx = Vector256.Create(Vector256.Sum(sumGXhat));
            ref float dxr = ref Unsafe.Add(ref dx, r * stride);
            for (int j = 0; j < stride; j += Vector256<float>.Count)
            {
                nuint at = (nuint)j;
                Vector256<float> g = Vector256.LoadUnsafe(ref dyr, at) * Vector256.LoadUnsafe(ref gamma, at);
                Vector256<float> d = k * (n * g - sg - Vector256.LoadUnsafe(ref hr, at) * sgx);
                Vector256.ConditionalSelect(Valid256(j, limit), d, Vector256<float>.Zero).StoreUnsafe(ref dxr, at);
            }
        }
    }

    // ---------------------------------------------------------------- Vector128 (lanes = features)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Valid128(int j, Vector128<int> limit) =>
        Vector128.LessThan(Vector128<int>.Indices + Vector128.Create(j), limit).AsSingle();

    private static void BatchNormTraining128(ref float x, int rows, int stride, int width, ref float gamma, ref float beta,
        float epsilon, float momentum, ref float runningMean, ref float runningVariance, ref float xhat, ref float inverseStd, ref float y)
    {
        Vector128<int> limit = Vector128.Create(width);
        Vector128<double> count = Vector128.Create((double)rows), eps = Vector128.Create((double)epsilon);
        Vector128<float> keep = Vector128.Create(momentum), take = Vector128.Create(1f - momentum);
        for (int j = 0; j < stride; j += Vector128<float>.Count)
        {
            Vector128<float> valid = Valid128(j, limit);
            Vector128<double> sumLo = Vector128<double>.Zero, sumHi = Vector128<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)(r * stride + j)));
                sumLo += lo;
                sumHi += hi;
            }

            Vector128<double> meanLo = sumLo / count, meanHi = sumHi / count;
            Vector128<double> squaresLo = Vector128<double>.Zero, squaresHi = Vector128<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)(r * stride + j)));
                lo -= meanLo;
                hi -= meanHi;
                squaresLo += lo * lo;
                squaresHi += hi * hi;
            }

            Vector128<double> varianceLo = squaresLo / count, varianceHi = squaresHi / count;
            Vector128<float> mean = Vector128.Narrow(meanLo, meanHi);
            Vector128<float> variance = Vector128.Narrow(varianceLo, varianceHi);
            Vector128<float> inv = Vector128.Narrow(
                Vector128<double>.One / Vector128.Sqrt(varianceLo + eps), Vector128<double>.One / Vector128.Sqrt(varianceHi + eps));

            nuint at = (nuint)j;
            Vector128<float> oldMean = Vector128.LoadUnsafe(ref runningMean, at);
            Vector128.ConditionalSelect(valid, oldMean * keep + mean * take, oldMean).StoreUnsafe(ref runningMean, at);
            Vector128<float> oldVariance = Vector128.LoadUnsafe(ref runningVariance, at);
            Vector128.ConditionalSelect(valid, oldVariance * keep + variance * take, oldVariance).StoreUnsafe(ref runningVariance, at);
            Vector128.ConditionalSelect(valid, inv, Vector128<float>.Zero).StoreUnsafe(ref inverseStd, at);

            Vector128<float> g = Vector128.LoadUnsafe(ref gamma, at), b = Vector128.LoadUnsafe(ref beta, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector128<float> h = Vector128.ConditionalSelect(valid, (Vector128.LoadUnsafe(ref x, i) - mean) * inv, Vector128<float>.Zero);
                h.StoreUnsafe(ref xhat, i);
                Vector128.ConditionalSelect(valid, g * h + b, Vector128<float>.Zero).StoreUnsafe(ref y, i);
            }
        }
    }

    private static void BatchNormInference128(ref float x, int rows, int stride, int width, ref float gamma, ref float beta,
        ref float runningMean, ref float runningVariance, float epsilon, ref float y)
    {
        Vector128<int> limit = Vector128.Create(width);
        Vector128<float> eps = Vector128.Create(epsilon);
        for (int j = 0; j < stride; j += Vector128<float>.Count)
        {
            Vector128<float> valid = Valid128(j, limit);
            nuint at = (nuint)j;
            Vector128<float> scale = Vector128.LoadUnsafe(ref gamma, at) / Vector128.Sqrt(Vector128.LoadUnsafe(ref runningVariance, at) + eps);
            Vector128<float> mean = Vector128.LoadUnsafe(ref runningMean, at), b = Vector128.LoadUnsafe(ref beta, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector128.ConditionalSelect(valid, (Vector128.LoadUnsafe(ref x, i) - mean) * scale + b, Vector128<float>.Zero)
                    .StoreUnsafe(ref y, i);
            }
        }
    }

    private static void ColumnSums128(ref float dy, ref float xhat, int rows, int stride, int width, ref float dGamma, ref float dBeta)
    {
        Vector128<int> limit = Vector128.Create(width);
        for (int j = 0; j < stride; j += Vector128<float>.Count)
        {
            Vector128<float> valid = Valid128(j, limit);
            Vector128<double> dyLo = Vector128<double>.Zero, dyHi = Vector128<double>.Zero;
            Vector128<double> dyXhatLo = Vector128<double>.Zero, dyXhatHi = Vector128<double>.Zero;
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                (Vector128<double> dLo, Vector128<double> dHi) = Vector128.Widen(Vector128.LoadUnsafe(ref dy, i));
                (Vector128<double> hLo, Vector128<double> hHi) = Vector128.Widen(Vector128.LoadUnsafe(ref xhat, i));
                dyLo += dLo;
                dyHi += dHi;
                dyXhatLo += dLo * hLo;
                dyXhatHi += dHi * hHi;
            }

            nuint at = (nuint)j;
            Vector128.ConditionalSelect(valid, Vector128.Narrow(dyXhatLo, dyXhatHi), Vector128<float>.Zero).StoreUnsafe(ref dGamma, at);
            Vector128.ConditionalSelect(valid, Vector128.Narrow(dyLo, dyHi), Vector128<float>.Zero).StoreUnsafe(ref dBeta, at);
        }
    }

    private static void BatchNormDx128(ref float dy, ref float xhat, ref float inverseStd, ref float gamma, int rows, int stride, int width,
        ref float dGamma, ref float dBeta, ref float dx)
    {
        Vector128<int> limit = Vector128.Create(width);
        Vector128<float> n = Vector128.Create((float)rows);
        for (int j = 0; j < stride; j += Vector128<float>.Count)
        {
            Vector128<float> valid = Valid128(j, limit);
            nuint at = (nuint)j;
            Vector128<float> c = Vector128.LoadUnsafe(ref inverseStd, at) * Vector128.LoadUnsafe(ref gamma, at) / n;
            Vector128<float> sumDy = Vector128.LoadUnsafe(ref dBeta, at), sumDyXhat = Vector128.LoadUnsafe(ref dGamma, at);
            for (int r = 0; r < rows; r++)
            {
                nuint i = (nuint)(r * stride + j);
                Vector128<float> d = c * (n * Vector128.LoadUnsafe(ref dy, i) - sumDy - Vector128.LoadUnsafe(ref xhat, i) * sumDyXhat);
                Vector128.ConditionalSelect(valid, d, Vector128<float>.Zero).StoreUnsafe(ref dx, i);
            }
        }
    }

    private static void LayerNormForward128(ref float x, int rows, int stride, int width, ref float gamma, ref float beta, float epsilon,
        ref float xhat, bool storeXhat, ref float inverseStd, bool storeInverseStd, ref float y)
    {
        Vector128<int> limit = Vector128.Create(width);
        for (int r = 0; r < rows; r++)
        {
            ref float xr = ref Unsafe.Add(ref x, r * stride);
            Vector128<float> sum = Vector128<float>.Zero;
            for (int j = 0; j < stride; j += Vector128<float>.Count)
            {
                sum += Vector128.ConditionalSelect(Valid128(j, limit), Vector128.LoadUnsafe(ref xr, (nuint)j), Vector128<float>.Zero);
            }

            Vector128<float> mean = Vector128.Create(Vector128.Sum(sum) / width);
            Vector128<float> squares = Vector128<float>.Zero;
            for (int j = 0; j < stride; j += Vector128<float>.Count)
            {
                Vector128<float> d = Vector128.ConditionalSelect(Valid128(j, limit), Vector128.LoadUnsafe(ref xr, (nuint)j) - mean, Vector128<float>.Zero);
                squares += d * d;
            }

            float inv = 1f / MathF.Sqrt(Vector128.Sum(squares) / width + epsilon);
            if (storeInverseStd)
            {
                Unsafe.Add(ref inverseStd, r) = inv;
            }

            Vector128<float> vinv = Vector128.Create(inv);
            ref float hr = ref Unsafe.Add(ref xhat, storeXhat ? r * stride : 0);
            ref float yr = ref Unsafe.Add(ref y, r * stride);
            for (int j = 0; j < stride; j += Vector128<float>.Count)
            {
                Vector128<float> valid = Valid128(j, limit);
                nuint at = (nuint)j;
                Vector128<float> h = Vector128.ConditionalSelect(valid, (Vector128.LoadUnsafe(ref xr, at) - mean) * vinv, Vector128<float>.Zero);
                if (storeXhat)
                {
                    h.StoreUnsafe(ref hr, at);
                }

                Vector128<float> o = Vector128.LoadUnsafe(ref gamma, at) * h + Vector128.LoadUnsafe(ref beta, at);
                Vector128.ConditionalSelect(valid, o, Vector128<float>.Zero).StoreUnsafe(ref yr, at);
            }
        }
    }

    private static void LayerNormDx128(ref float dy, ref float xhat, ref float inverseStd, ref float gamma, int rows, int stride, int width, ref float dx)
    {
        Vector128<int> limit = Vector128.Create(width);
        Vector128<float> n = Vector128.Create((float)width);
        for (int r = 0; r < rows; r++)
        {
            ref float dyr = ref Unsafe.Add(ref dy, r * stride);
            ref float hr = ref Unsafe.Add(ref xhat, r * stride);
            Vector128<float> sumG = Vector128<float>.Zero, sumGXhat = Vector128<float>.Zero;
            for (int j = 0; j < stride; j += Vector128<float>.Count)
            {
                Vector128<float> valid = Valid128(j, limit);
                nuint at = (nuint)j;
                Vector128<float> g = Vector128.ConditionalSelect(valid, Vector128.LoadUnsafe(ref dyr, at) * Vector128.LoadUnsafe(ref gamma, at), Vector128<float>.Zero);
                Vector128<float> h = Vector128.ConditionalSelect(valid, Vector128.LoadUnsafe(ref hr, at), Vector128<float>.Zero);
                sumG += g;
                sumGXhat += g * h;
            }

            Vector128<float> k = Vector128.Create(Unsafe.Add(ref inverseStd, r) / width);
            Vector128<float> sg = Vector128.Create(Vector128.Sum(sumG)), sgx = Vector128.Create(Vector128.Sum(sumGXhat));
            ref float dxr = ref Unsafe.Add(ref dx, r * stride);
            for (int j = 0; j < stride; j += Vector128<float>.Count)
            {
                nuint at = (nuint)j;
                Vector128<float> g = Vector128.LoadUnsafe(ref dyr, at) * Vector128.LoadUnsafe(ref gamma, at);
                Vector128<float> d = k * (n * g - sg - Vector128.LoadUnsafe(ref hr, at) * sgx);
                Vector128.ConditionalSelect(Valid128(j, limit), d, Vector128<float>.Zero).StoreUnsafe(ref dxr, at);
            }
        }
    }
}
