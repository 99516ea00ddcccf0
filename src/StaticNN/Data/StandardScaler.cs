using System;
using System.Numerics.Tensors;

namespace StaticNN.Data;

/// <summary>
/// Standardizes each feature to zero mean and unit variance using the training statistics:
/// <c>(x - Mean[j]) / Scale[j]</c>. Fit on training data only, then transform the training, validation and test
/// sets with the same parameters.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StdDev"/> is the population standard deviation (divisor <c>n</c>, as in scikit-learn), accumulated in
/// <see cref="double"/> with a two-pass algorithm.
/// </para>
/// <para>
/// Constant features: when every training value of a feature is the same (or its standard deviation rounds to a
/// float that is 0 or subnormal) <see cref="StdDev"/> reports that deviation but <see cref="Scale"/> is 1, so the
/// feature becomes <c>x - Mean[j]</c>: exactly 0 on the training data, and never NaN or infinity.
/// </para>
/// </remarks>
public sealed class StandardScaler
{
    private float[]? _mean;
    private float[]? _stdDev;
    private float[]? _scale;

    /// <summary>Whether <see cref="Fit"/> has been called.</summary>
    public bool IsFitted => _mean is not null;

    /// <summary>Features per sample seen by <see cref="Fit"/>, or 0 before fitting.</summary>
    public int FeatureSize => _mean?.Length ?? 0;

    /// <summary>Per-feature mean of the training data; empty before fitting.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>Per-feature population standard deviation of the training data (0 for a constant feature); empty before fitting.</summary>
    public ReadOnlySpan<float> StdDev => _stdDev;

    /// <summary>Per-feature divisor used by <see cref="Transform(Dataset)"/>: <see cref="StdDev"/>, or 1 for constant features; empty before fitting.</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>Learns each feature's mean and standard deviation from <paramref name="training"/>, replacing any earlier fit.</summary>
    /// <param name="training">The training data; every feature value must be finite.</param>
    /// <exception cref="ArgumentException">A feature value is NaN or infinite.</exception>
    public void Fit(Dataset training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int size = training.FeatureSize;
        int count = training.Count;
        var sum = new double[size];
        var min = new float[size];
        var max = new float[size];
        training.GetFeatures(0).CopyTo(min);
        training.GetFeatures(0).CopyTo(max);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = training.GetFeatures(i);
            ScalerGuard.ThrowIfNotFinite(row, i, nameof(training));
            for (int j = 0; j < size; j++)
            {
                sum[j] += row[j];
            }
            TensorPrimitives.Min(min, row, min);
            TensorPrimitives.Max(max, row, max);
        }

        var meanD = new double[size];
        for (int j = 0; j < size; j++)
        {
            // A constant feature's mean is its value exactly, so it transforms to exactly 0.
            meanD[j] = min[j] == max[j] ? min[j] : sum[j] / count;
        }
        var squares = new double[size];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = training.GetFeatures(i);
            for (int j = 0; j < size; j++)
            {
                double d = row[j] - meanD[j];
                squares[j] += d * d;
            }
        }

        var mean = new float[size];
        var stdDev = new float[size];
        var scale = new float[size];
        for (int j = 0; j < size; j++)
        {
            mean[j] = (float)meanD[j];
            stdDev[j] = min[j] == max[j] ? 0f : (float)Math.Sqrt(squares[j] / count);
            scale[j] = float.IsNormal(stdDev[j]) ? stdDev[j] : 1f;
        }
        _mean = mean;
        _stdDev = stdDev;
        _scale = scale;
    }

    /// <summary>Returns a new data set with standardized features and the same targets; <paramref name="data"/> is unchanged.</summary>
    /// <param name="data">Data with <see cref="FeatureSize"/> features per sample.</param>
    /// <exception cref="InvalidOperationException">The scaler has not been fitted.</exception>
    /// <exception cref="ArgumentException">The feature size differs from the fitted one.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var features = new float[data.Features.Length];
        Transform(data.Features, features);
        return data.WithFeatures(features, data.FeatureSize);
    }

    /// <summary>
    /// Standardizes whole samples: <paramref name="features"/> holds one or more rows of <see cref="FeatureSize"/>
    /// values. <paramref name="destination"/> may be the same memory as <paramref name="features"/> (in place) but
    /// must not otherwise overlap it. Does not allocate.
    /// </summary>
    /// <param name="features">Row-major samples; the length must be a multiple of <see cref="FeatureSize"/>.</param>
    /// <param name="destination">Receives the standardized samples; at least as long as <paramref name="features"/>.</param>
    /// <exception cref="InvalidOperationException">The scaler has not been fitted.</exception>
    /// <exception cref="ArgumentException">The lengths do not fit the fitted feature size.</exception>
    public void Transform(ReadOnlySpan<float> features, Span<float> destination)
    {
        if (_mean is null)
        {
            throw new InvalidOperationException("Call Fit on the training data before Transform.");
        }
        ScalerGuard.CheckLengths(features.Length, destination.Length, _mean.Length);
        for (int offset = 0; offset < features.Length; offset += _mean.Length)
        {
            Span<float> row = destination.Slice(offset, _mean.Length);
            TensorPrimitives.Subtract(features.Slice(offset, _mean.Length), _mean, row);
            TensorPrimitives.Divide(row, _scale, row);
        }
    }

    /// <summary><see cref="Fit"/> then <see cref="Transform(Dataset)"/> on the same data.</summary>
    /// <param name="training">The training data.</param>
    /// <returns>The standardized training data.</returns>
    public Dataset FitTransform(Dataset training)
    {
        Fit(training);
        return Transform(training);
    }
}
