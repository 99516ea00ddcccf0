using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StaticNN.Losses;

/// <summary>
/// Batch loss kernels that generated training code calls once per batch on the network's last-layer buffer.
/// </summary>
/// <remarks>
/// <para>
/// The outputs (or logits) and <c>delta</c> are row-major <c>rows x stride</c>: row <c>r</c> starts at
/// <c>r * stride</c>, the lanes <c>[0, width)</c> hold the values and the lanes <c>[width, stride)</c> are padding,
/// which is never read. Dense targets are row-major <c>rows x width</c> without padding.
/// </para>
/// <para>
/// Every kernel returns the batch's mean loss (accumulated in <see cref="double"/>). When <c>delta</c> is not empty it
/// receives dLoss/dOutput, already divided by the mean's count, in the lanes <c>[0, width)</c> and 0 in the padding
/// lanes. When <c>delta</c> is empty only the loss is computed; the loss is the same either way.
/// </para>
/// <para>
/// The overloads that take <c>ReadOnlySpan&lt;int&gt; labels</c> (one per sample) build the targets from the labels:
/// for <c>width &gt; 1</c> a label is a class index in <c>[0, width)</c> and the target row is one-hot; for
/// <c>width == 1</c> the target is the label's value, which must be 0 or 1. They give bit-identical results to the
/// dense overloads called with those targets.
/// </para>
/// </remarks>
public static class LossKernels
{
    /// <summary>
    /// Mean squared error: mean over <c>rows * width</c> of <c>(y - t)^2</c>; <c>delta = 2 (y - t) / (rows * width)</c>.
    /// Does not allocate.
    /// </summary>
    /// <param name="outputs">The network outputs, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="targets">The targets, <c>rows x width</c> row-major (no padding).</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="outputs"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of outputs per sample (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dOutput (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="width"/> is less than 1, or <paramref name="stride"/> is less than <paramref name="width"/>.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(outputs.Length, nameof(outputs), rows, stride, width, delta.Length);
        ValidateDenseTargets(targets.Length, rows, width);
        return MeanSquaredErrorCore(outputs, new DenseTargets(targets, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Mean squared error against label targets (one-hot for <c>width &gt; 1</c>, the label's value 0 or 1 for
    /// <c>width == 1</c>): mean over <c>rows * width</c> of <c>(y - t)^2</c>; <c>delta = 2 (y - t) / (rows * width)</c>.
    /// Does not allocate.
    /// </summary>
    /// <param name="outputs">The network outputs, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="labels">One label per sample: a class index in <c>[0, width)</c>, or 0/1 when <c>width == 1</c>.</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="outputs"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of outputs per sample (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dOutput (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/>, or a label is outside its valid range (nothing is written to <paramref name="delta"/>).
    /// </exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(outputs.Length, nameof(outputs), rows, stride, width, delta.Length);
        ValidateLabels(labels, rows, width);
        return MeanSquaredErrorCore(outputs, new LabelTargets(labels, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Mean absolute error: mean over <c>rows * width</c> of <c>|y - t|</c>;
    /// <c>delta = sign(y - t) / (rows * width)</c>, which is 0 where <c>y == t</c>. Does not allocate.
    /// </summary>
    /// <param name="outputs">The network outputs, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="targets">The targets, <c>rows x width</c> row-major (no padding).</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="outputs"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of outputs per sample (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dOutput (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="width"/> is less than 1, or <paramref name="stride"/> is less than <paramref name="width"/>.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float MeanAbsoluteError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(outputs.Length, nameof(outputs), rows, stride, width, delta.Length);
        ValidateDenseTargets(targets.Length, rows, width);
        return MeanAbsoluteErrorCore(outputs, new DenseTargets(targets, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Mean absolute error against label targets (one-hot for <c>width &gt; 1</c>, the label's value 0 or 1 for
    /// <c>width == 1</c>): mean over <c>rows * width</c> of <c>|y - t|</c>;
    /// <c>delta = sign(y - t) / (rows * width)</c>, which is 0 where <c>y == t</c>. Does not allocate.
    /// </summary>
    /// <param name="outputs">The network outputs, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="labels">One label per sample: a class index in <c>[0, width)</c>, or 0/1 when <c>width == 1</c>.</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="outputs"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of outputs per sample (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dOutput (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/>, or a label is outside its valid range (nothing is written to <paramref name="delta"/>).
    /// </exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float MeanAbsoluteError(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(outputs.Length, nameof(outputs), rows, stride, width, delta.Length);
        ValidateLabels(labels, rows, width);
        return MeanAbsoluteErrorCore(outputs, new LabelTargets(labels, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Binary cross-entropy on logits (PyTorch <c>BCEWithLogitsLoss</c>): mean over <c>rows * width</c> of
    /// <c>max(z, 0) - z t + log(1 + exp(-|z|))</c>, which equals <c>-t log p - (1 - t) log(1 - p)</c> with
    /// <c>p = sigmoid(z)</c> and stays finite for any finite logit; <c>delta = (sigmoid(z) - t) / (rows * width)</c>.
    /// Does not allocate.
    /// </summary>
    /// <param name="logits">The logits, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="targets">The targets (normally in [0, 1]), <c>rows x width</c> row-major (no padding).</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="logits"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of logits per sample (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dLogit (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="width"/> is less than 1, or <paramref name="stride"/> is less than <paramref name="width"/>.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(logits.Length, nameof(logits), rows, stride, width, delta.Length);
        ValidateDenseTargets(targets.Length, rows, width);
        return BinaryCrossEntropyCore(logits, new DenseTargets(targets, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Binary cross-entropy on logits against label targets (one-hot for <c>width &gt; 1</c>, the label's value 0 or 1
    /// for <c>width == 1</c>): mean over <c>rows * width</c> of <c>max(z, 0) - z t + log(1 + exp(-|z|))</c>;
    /// <c>delta = (sigmoid(z) - t) / (rows * width)</c>. Does not allocate.
    /// </summary>
    /// <param name="logits">The logits, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="labels">One label per sample: a class index in <c>[0, width)</c>, or 0/1 when <c>width == 1</c>.</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="logits"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of logits per sample (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dLogit (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/>, or a label is outside its valid range (nothing is written to <paramref name="delta"/>).
    /// </exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(logits.Length, nameof(logits), rows, stride, width, delta.Length);
        ValidateLabels(labels, rows, width);
        return BinaryCrossEntropyCore(logits, new LabelTargets(labels, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Softmax cross-entropy on logits (PyTorch <c>CrossEntropyLoss</c> with probability targets): per row
    /// <c>loss_r = sum_j t_j (lse - z_j)</c> with <c>lse = log(sum_j exp(z_j))</c> computed stably, averaged over the
    /// rows; <c>delta_j = (softmax(z)_j * sum_k t_k - t_j) / rows</c>, which is <c>(p - t) / rows</c> when the targets of
    /// a row sum to 1. Finite for any finite logits. Does not allocate.
    /// </summary>
    /// <param name="logits">The logits, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="targets">The target distributions, <c>rows x width</c> row-major (no padding).</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="logits"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of classes (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dLogit (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="width"/> is less than 1, or <paramref name="stride"/> is less than <paramref name="width"/>.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float SoftmaxCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(logits.Length, nameof(logits), rows, stride, width, delta.Length);
        ValidateDenseTargets(targets.Length, rows, width);
        return SoftmaxCrossEntropyCore(logits, new DenseTargets(targets, width), rows, stride, width, delta);
    }

    /// <summary>
    /// Softmax cross-entropy on logits against class labels (PyTorch <c>CrossEntropyLoss</c> with class indices):
    /// per row <c>loss_r = lse - z_label</c>, averaged over the rows; <c>delta_j = (softmax(z)_j - [j == label]) / rows</c>.
    /// When <c>width == 1</c> the target is the label's value (0 or 1), so the loss and delta are 0. Finite for any
    /// finite logits. Does not allocate.
    /// </summary>
    /// <param name="logits">The logits, <c>rows x stride</c> row-major; padding lanes are ignored.</param>
    /// <param name="labels">One label per sample: a class index in <c>[0, width)</c>, or 0/1 when <c>width == 1</c>.</param>
    /// <param name="rows">The number of samples in the batch (at least 1).</param>
    /// <param name="stride">The row stride of <paramref name="logits"/> and <paramref name="delta"/> (at least <paramref name="width"/>).</param>
    /// <param name="width">The number of classes (at least 1).</param>
    /// <param name="delta">Empty, or <c>rows * stride</c> floats that receive dLoss/dLogit (padding lanes set to 0).</param>
    /// <returns>The mean loss of the batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rows"/> or <paramref name="width"/> is less than 1, <paramref name="stride"/> is less than
    /// <paramref name="width"/>, or a label is outside its valid range (nothing is written to <paramref name="delta"/>).
    /// </exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static float SoftmaxCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int stride, int width, Span<float> delta)
    {
        ValidateShape(logits.Length, nameof(logits), rows, stride, width, delta.Length);
        ValidateLabels(labels, rows, width);
        return SoftmaxCrossEntropyCore(logits, new LabelTargets(labels, width), rows, stride, width, delta);
    }

    // ---- Kernels. Generic over the target source so that the dense and label overloads share one body and give
    // bit-identical results; the JIT specialises each instantiation (the sources are structs) and inlines Get.

    private static float MeanSquaredErrorCore<TTargets>(ReadOnlySpan<float> outputs, TTargets targets, int rows, int stride, int width, Span<float> delta)
        where TTargets : ITargetSource, allows ref struct
    {
        double count = (double)rows * width;
        double scale = 2.0 / count;
        bool hasDelta = !delta.IsEmpty;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> y = outputs.Slice(r * stride, width);
            if (hasDelta)
            {
                Span<float> d = delta.Slice(r * stride, stride);
                for (int j = 0; j < y.Length; j++)
                {
                    double diff = (double)y[j] - targets.Get(r, j);
                    sum += diff * diff;
                    d[j] = (float)(diff * scale);
                }
                d[width..].Clear();
            }
            else
            {
                for (int j = 0; j < y.Length; j++)
                {
                    double diff = (double)y[j] - targets.Get(r, j);
                    sum += diff * diff;
                }
            }
        }
        return (float)(sum / count);
    }

    private static float MeanAbsoluteErrorCore<TTargets>(ReadOnlySpan<float> outputs, TTargets targets, int rows, int stride, int width, Span<float> delta)
        where TTargets : ITargetSource, allows ref struct
    {
        double count = (double)rows * width;
        float step = (float)(1.0 / count);
        bool hasDelta = !delta.IsEmpty;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> y = outputs.Slice(r * stride, width);
            if (hasDelta)
            {
                Span<float> d = delta.Slice(r * stride, stride);
                for (int j = 0; j < y.Length; j++)
                {
                    double diff = (double)y[j] - targets.Get(r, j);
                    sum += Math.Abs(diff);
                    // sign(diff) * step, 0 where y == t (and for NaN; Math.Sign would throw). Branch-free on purpose:
                    // the sign of a residual is unpredictable, and a branch here measured 2.5x slower.
                    int sign = (diff > 0 ? 1 : 0) - (diff < 0 ? 1 : 0);
                    d[j] = sign * step;
                }
                d[width..].Clear();
            }
            else
            {
                for (int j = 0; j < y.Length; j++)
                {
                    sum += Math.Abs((double)y[j] - targets.Get(r, j));
                }
            }
        }
        return (float)(sum / count);
    }

    private static float BinaryCrossEntropyCore<TTargets>(ReadOnlySpan<float> logits, TTargets targets, int rows, int stride, int width, Span<float> delta)
        where TTargets : ITargetSource, allows ref struct
    {
        double count = (double)rows * width;
        double scale = 1.0 / count;
        bool hasDelta = !delta.IsEmpty;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * stride, width);
            Span<float> d = hasDelta ? delta.Slice(r * stride, stride) : default;
            for (int j = 0; j < z.Length; j++)
            {
                float x = z[j];
                double t = targets.Get(r, j);
                // e = exp(-|x|) in [0, 1]: never overflows, whatever the sign of x. The transcendental functions run in
                // float (about twice as fast as double here, and accurate to a few float ulps); the rest is double.
                float e = MathF.Exp(-MathF.Abs(x));
                float u = 1f + e;
                // x * t is exact in double (24-bit by 24-bit product), so max(x, 0) - x t does not cancel badly.
                sum += Math.Max((double)x, 0.0) - (double)x * t + Log1PSmall(e, u);
                if (hasDelta)
                {
                    // sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0.
                    float sigmoid = (x >= 0 ? 1f : e) / u;
                    d[j] = (float)((sigmoid - t) * scale);
                }
            }
            if (hasDelta)
            {
                d[width..].Clear();
            }
        }
        return (float)(sum / count);
    }

    private static float SoftmaxCrossEntropyCore<TTargets>(ReadOnlySpan<float> logits, TTargets targets, int rows, int stride, int width, Span<float> delta)
        where TTargets : ITargetSource, allows ref struct
    {
        double invRows = 1.0 / rows;
        bool hasDelta = !delta.IsEmpty;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * stride, width);
            Span<float> d = hasDelta ? delta.Slice(r * stride, stride) : default;

            float max = z[0];
            for (int j = 1; j < z.Length; j++)
            {
                if (z[j] > max)
                {
                    max = z[j];
                }
            }

            // s = sum_j exp(z_j - max) is in [1, width]; the exponentials (in (0, 1], float) are kept in delta for the
            // gradient.
            double s = 0;
            for (int j = 0; j < z.Length; j++)
            {
                float e = MathF.Exp(z[j] - max);
                s += e;
                if (hasDelta)
                {
                    d[j] = e;
                }
            }

            // lse - z_j = (max - z_j) + log(s): both terms are >= 0, so nothing cancels for non-negative targets.
            double logS = Math.Log(s);
            double rowLoss = 0;
            double targetSum = 0;
            for (int j = 0; j < z.Length; j++)
            {
                double t = targets.Get(r, j);
                targetSum += t;
                rowLoss += t * (((double)max - z[j]) + logS);
            }
            sum += rowLoss;

            if (hasDelta)
            {
                double pScale = targetSum / s;
                for (int j = 0; j < z.Length; j++)
                {
                    d[j] = (float)((d[j] * pScale - targets.Get(r, j)) * invRows);
                }
                d[width..].Clear();
            }
        }
        return (float)(sum * invRows);
    }

    /// <summary>
    /// log(1 + e) for e in [0, 1] given u = 1 + e rounded to float, accurate to a few ulps also when u rounds to 1
    /// (Goldberg's log1p trick; float.LogP1 is log(1 + e) and returns 0 for e below 6e-8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Log1PSmall(float e, float u)
    {
        Debug.Assert(float.IsNaN(e) || (e >= 0 && e <= 1));
        return u == 1f ? e : MathF.Log(u) * (e / (u - 1f));
    }

    // ---- Target sources.

    private interface ITargetSource
    {
        float Get(int row, int column);
    }

    private readonly ref struct DenseTargets : ITargetSource
    {
        private readonly ReadOnlySpan<float> _targets;
        private readonly int _width;

        public DenseTargets(ReadOnlySpan<float> targets, int width)
        {
            _targets = targets;
            _width = width;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Get(int row, int column) => _targets[row * _width + column];
    }

    private readonly ref struct LabelTargets : ITargetSource
    {
        private readonly ReadOnlySpan<int> _labels;
        private readonly bool _binary;

        public LabelTargets(ReadOnlySpan<int> labels, int width)
        {
            _labels = labels;
            _binary = width == 1;
        }

        // width == 1: the label's value (validated to be 0 or 1); otherwise one-hot at the label's index.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Get(int row, int column) => _binary ? _labels[row] : _labels[row] == column ? 1f : 0f;
    }

    // ---- Validation. Everything is checked before anything is written to delta.

    private static void ValidateShape(int valuesLength, string valuesName, int rows, int stride, int width, int deltaLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width);
        long expected = (long)rows * stride;
        if (valuesLength != expected)
        {
            ThrowLengthMismatch(valuesName, "rows * stride", expected, valuesLength);
        }
        if (deltaLength != 0 && deltaLength != expected)
        {
            ThrowLengthMismatch("delta", "0 or rows * stride", expected, deltaLength);
        }
    }

    private static void ValidateDenseTargets(int targetsLength, int rows, int width)
    {
        long expected = (long)rows * width;
        if (targetsLength != expected)
        {
            ThrowLengthMismatch("targets", "rows * width", expected, targetsLength);
        }
    }

    private static void ValidateLabels(ReadOnlySpan<int> labels, int rows, int width)
    {
        if (labels.Length != rows)
        {
            ThrowLengthMismatch(nameof(labels), "rows", rows, labels.Length);
        }
        int classes = width == 1 ? 2 : width;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                ThrowLabelOutOfRange(i, labels[i], classes);
            }
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengthMismatch(string paramName, string expectedDescription, long expected, int actual) =>
        throw new ArgumentException($"{paramName}.Length must be {expectedDescription} = {expected}, but was {actual}.", paramName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLabelOutOfRange(int sample, int label, int classes) =>
        throw new ArgumentOutOfRangeException("labels", $"Label {label} of sample {sample} is outside [0, {classes}).");
}
