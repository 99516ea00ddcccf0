using System;
using System.Numerics.Tensors;

namespace StaticNN.Data;

/// <summary>
/// Scales each feature linearly so that its training minimum and maximum map to
/// [<see cref="RangeMin"/>, <see cref="RangeMax"/>] (default [0, 1]). Fit on training data only, then transform
/// the training, validation and test sets with the same parameters.
/// </summary>
/// <remarks>
/// <para>
/// Feature <c>j</c> becomes <c>(x - Min[j]) * scale[j] + RangeMin</c> with
/// <c>scale[j] = (RangeMax - RangeMin) / (Max[j] - Min[j])</c>. Values outside the training range (in other data
/// sets) fall outside the target range; they are not clipped.
/// </para>
/// <para>
/// Constant features: when <c>Max[j] == Min[j]</c> (or the scale would not be a finite float) the scale is 1, so
/// the feature becomes <c>x - Min[j] + RangeMin</c>: exactly <see cref="RangeMin"/> on the training data, and never
/// NaN or infinity.
/// </para>
/// </remarks>
public sealed class MinMaxScaler
{
    private float[]? _min;
    private float[]? _max;
    private float[]? _scale;

    /// <summary>Creates an unfitted scaler with the target range [<paramref name="rangeMin"/>, <paramref name="rangeMax"/>].</summary>
    /// <param name="rangeMin">Value the training minimum maps to.</param>
    /// <param name="rangeMax">Value the training maximum maps to; finite and greater than <paramref name="rangeMin"/>.</param>
    public MinMaxScaler(float rangeMin = 0f, float rangeMax = 1f)
    {
        if (!float.IsFinite(rangeMin) || !float.IsFinite(rangeMax) || !(rangeMax > rangeMin))
        {
            throw new ArgumentOutOfRangeException(nameof(rangeMax), $"The target range [{rangeMin}, {rangeMax}] must be finite with rangeMax > rangeMin.");
        }
        RangeMin = rangeMin;
        RangeMax = rangeMax;
    }

    /// <summary>Value the training minimum of each feature maps to.</summary>
    public float RangeMin { get; }

    /// <summary>Value the training maximum of each feature maps to.</summary>
    public float RangeMax { get; }

    /// <summary>Whether <see cref="Fit"/> has been called.</summary>
    public bool IsFitted => _min is not null;

    /// <summary>Features per sample seen by <see cref="Fit"/>, or 0 before fitting.</summary>
    public int FeatureSize => _min?.Length ?? 0;

    /// <summary>Per-feature minimum of the training data; empty before fitting.</summary>
    public ReadOnlySpan<float> Min => _min;

    /// <summary>Per-feature maximum of the training data; empty before fitting.</summary>
    public ReadOnlySpan<float> Max => _max;

    /// <summary>Learns each feature's minimum and maximum from <paramref name="training"/>, replacing any earlier fit.</summary>
    /// <param name="training">The training data; every feature value must be finite.</param>
    /// <exception cref="ArgumentException">A feature value is NaN or infinite.</exception>
    public void Fit(Dataset training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int size = training.FeatureSize;
        var min = new float[size];
        var max = new float[size];
        training.GetFeatures(0).CopyTo(min);
        training.GetFeatures(0).CopyTo(max);
        for (int i = 0; i < training.Count; i++)
        {
            ReadOnlySpan<float> row = training.GetFeatures(i);
            ScalerGuard.ThrowIfNotFinite(row, i, nameof(training));
            TensorPrimitives.Min(min, row, min);
            TensorPrimitives.Max(max, row, max);
        }
        var scale = new float[size];
        for (int j = 0; j < size; j++)
        {
            float s = (float)((RangeMax - (double)RangeMin) / ((double)max[j] - min[j]));
            scale[j] = max[j] > min[j] && float.IsFinite(s) && s != 0f ? s : 1f;
        }
        _min = min;
        _max = max;
        _scale = scale;
    }

    /// <summary>Returns a new data set with scaled features and the same targets; <paramref name="data"/> is unchanged.</summary>
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
    /// Scales whole samples: <paramref name="features"/> holds one or more rows of <see cref="FeatureSize"/> values.
    /// <paramref name="destination"/> may be the same memory as <paramref name="features"/> (in place) but must not
    /// otherwise overlap it. Does not allocate.
    /// </summary>
    /// <param name="features">Row-major samples; the length must be a multiple of <see cref="FeatureSize"/>.</param>
    /// <param name="destination">Receives the scaled samples; at least as long as <paramref name="features"/>.</param>
    /// <exception cref="InvalidOperationException">The scaler has not been fitted.</exception>
    /// <exception cref="ArgumentException">The lengths do not fit the fitted feature size.</exception>
    public void Transform(ReadOnlySpan<float> features, Span<float> destination)
    {
        if (_min is null)
        {
            throw new InvalidOperationException("Call Fit on the training data before Transform.");
        }
        ScalerGuard.CheckLengths(features.Length, destination.Length, _min.Length);
        for (int offset = 0; offset < features.Length; offset += _min.Length)
        {
            Span<float> row = destination.Slice(offset, _min.Length);
            TensorPrimitives.Subtract(features.Slice(offset, _min.Length), _min, row);
            TensorPrimitives.MultiplyAdd(row, _scale, RangeMin, row);
        }
    }

    /// <summary><see cref="Fit"/> then <see cref="Transform(Dataset)"/> on the same data.</summary>
    /// <param name="training">The training data.</param>
    /// <returns>The scaled training data.</returns>
    public Dataset FitTransform(Dataset training)
    {
        Fit(training);
        return Transform(training);
    }
}

/// <summary>Argument checks shared by the scalers.</summary>
internal static class ScalerGuard
{
    public static void ThrowIfNotFinite(ReadOnlySpan<float> row, int sample, string paramName)
    {
        for (int j = 0; j < row.Length; j++)
        {
            if (!float.IsFinite(row[j]))
            {
                throw new ArgumentException($"Feature {j} of sample {sample} is {row[j]}; scalers need finite values.", paramName);
            }
        }
    }

    public static void CheckLengths(int featuresLength, int destinationLength, int featureSize)
    {
        if (featuresLength % featureSize != 0)
        {
            throw new ArgumentException($"The input length {featuresLength} is not a multiple of the fitted feature size {featureSize}.", "features");
        }
        if (destinationLength < featuresLength)
        {
            throw new ArgumentException($"The destination holds {destinationLength} values; {featuresLength} are needed.", "destination");
        }
    }
}
