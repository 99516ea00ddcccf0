using System;
using System.Collections.Generic;

namespace StaticNN.Data;

/// <summary>
/// An in-memory data set: row-major float features and either float target rows (regression, one-hot) or class
/// indices. Immutable once built; transforms and splits return new data sets.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly float[]? _targets;
    private readonly int[]? _labels;

    /// <summary>A data set with float targets (<paramref name="targetSize"/> values per sample).</summary>
    public Dataset(float[] features, int featureSize, float[] targets, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSize);
        Count = CheckRows(features.Length, featureSize, nameof(features));
        if (targets.Length != Count * targetSize)
        {
            throw new ArgumentException($"Expected {Count} x {targetSize} = {Count * targetSize} target values for {Count} samples, got {targets.Length}.", nameof(targets));
        }
        _features = features;
        _targets = targets;
        FeatureSize = featureSize;
        TargetSize = targetSize;
    }

    /// <summary>A classification data set with one class index in [0, <paramref name="classCount"/>) per sample.</summary>
    public Dataset(float[] features, int featureSize, int[] labels, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        Count = CheckRows(features.Length, featureSize, nameof(features));
        if (labels.Length != Count)
        {
            throw new ArgumentException($"Expected one label per sample ({Count}), got {labels.Length}.", nameof(labels));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} of sample {i} is outside [0, {classCount}).");
            }
        }
        if (classNames is not null && classNames.Count != classCount)
        {
            throw new ArgumentException($"Expected {classCount} class names, got {classNames.Count}.", nameof(classNames));
        }
        _features = features;
        _labels = labels;
        FeatureSize = featureSize;
        TargetSize = classCount;
        ClassCount = classCount;
        ClassNames = classNames;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Features per sample.</summary>
    public int FeatureSize { get; }

    /// <summary>Target values per sample: the target row length, or the class count for labelled data.</summary>
    public int TargetSize { get; }

    /// <summary>Whether targets are class indices (<see cref="Labels"/>) rather than float rows (<see cref="Targets"/>).</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>Number of classes for labelled data, else 0.</summary>
    public int ClassCount { get; }

    /// <summary>Class names by index when known (e.g. string labels read from CSV), else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>All features, row-major.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>All float targets, row-major; empty for labelled data.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>All class indices; empty for float targets.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetFeatures(int index) => _features.AsSpan(index * FeatureSize, FeatureSize);

    /// <summary>A new data set holding the samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Select(ReadOnlySpan<int> indices)
    {
        var features = new float[indices.Length * FeatureSize];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), source, $"Index {source} is outside the data set's {Count} samples.");
            }
            _features.AsSpan(source * FeatureSize, FeatureSize).CopyTo(features.AsSpan(i * FeatureSize));
        }
        if (_labels is not null)
        {
            var labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++) labels[i] = _labels[indices[i]];
            return new Dataset(features, FeatureSize, labels, ClassCount, ClassNames);
        }
        var targets = new float[indices.Length * TargetSize];
        for (int i = 0; i < indices.Length; i++)
        {
            _targets.AsSpan(indices[i] * TargetSize, TargetSize).CopyTo(targets.AsSpan(i * TargetSize));
        }
        return new Dataset(features, FeatureSize, targets, TargetSize);
    }

    /// <summary>A data set with the same targets and new features (same sample count), e.g. after scaling.</summary>
    public Dataset WithFeatures(float[] features, int featureSize) => _labels is not null
        ? new Dataset(features, featureSize, _labels, ClassCount, ClassNames)
        : new Dataset(features, featureSize, _targets!, TargetSize);

    private static int CheckRows(int length, int rowSize, string paramName)
    {
        if (length == 0 || length % rowSize != 0)
        {
            throw new ArgumentException($"Feature length {length} is not a positive multiple of the feature size {rowSize}.", paramName);
        }
        return length / rowSize;
    }
}
