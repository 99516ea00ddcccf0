using System;

namespace StaticNN.Data;

/// <summary>One-hot encoding of class labels into float target rows.</summary>
public static class OneHot
{
    /// <summary>
    /// Returns a data set with the same features and float targets of <see cref="Dataset.ClassCount"/> columns:
    /// 1 at each sample's class, 0 elsewhere. The result has float targets, so it no longer carries
    /// <see cref="Dataset.ClassNames"/>.
    /// </summary>
    /// <param name="labelled">A data set with class labels (<see cref="Dataset.HasLabels"/>).</param>
    /// <returns>A new data set with a copy of the features and the one-hot targets.</returns>
    /// <exception cref="ArgumentException"><paramref name="labelled"/> has float targets instead of labels.</exception>
    public static Dataset ToOneHot(Dataset labelled)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        if (!labelled.HasLabels)
        {
            throw new ArgumentException("One-hot encoding needs a data set with class labels; this one has float targets.", nameof(labelled));
        }
        var targets = new float[labelled.Count * labelled.ClassCount];
        Encode(labelled.Labels, labelled.ClassCount, targets);
        return new Dataset(labelled.Features.ToArray(), labelled.FeatureSize, targets, labelled.ClassCount);
    }

    /// <summary>Writes one row of <paramref name="classCount"/> values per label into <paramref name="destination"/>. Does not allocate.</summary>
    /// <param name="labels">Class indices in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes (row length).</param>
    /// <param name="destination">At least <c>labels.Length * classCount</c> values; the rows are overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, <paramref name="classCount"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void Encode(ReadOnlySpan<int> labels, int classCount, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (destination.Length < labels.Length * classCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {labels.Length} x {classCount} are needed.", nameof(destination));
        }
        destination[..(labels.Length * classCount)].Clear();
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {labels[i]} of sample {i} is outside [0, {classCount}).");
            }
            destination[i * classCount + labels[i]] = 1f;
        }
    }
}
