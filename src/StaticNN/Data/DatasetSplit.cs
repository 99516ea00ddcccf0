using System;
using System.Collections.Generic;
using StaticNN.Runtime;

namespace StaticNN.Data;

/// <summary>
/// Seeded shuffling and train/test splitting. Randomness comes from <see cref="SeededRandom"/> (a Fisher-Yates
/// shuffle), so a seed gives the same result on every .NET version and machine.
/// </summary>
public static class DatasetSplit
{
    /// <summary>Returns a new data set with the samples of <paramref name="dataset"/> in a random order fixed by <paramref name="seed"/>.</summary>
    /// <param name="dataset">The data to shuffle (unchanged).</param>
    /// <param name="seed">Seed of the permutation; the same seed gives the same order.</param>
    /// <returns>The shuffled copy.</returns>
    public static Dataset Shuffle(Dataset dataset, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int[] order = Identity(dataset.Count);
        var random = new SeededRandom(seed);
        Shuffle(order, ref random);
        return dataset.Select(order);
    }

    /// <summary>
    /// Splits <paramref name="dataset"/> into a training and a test set after a seeded shuffle. Both sides come out
    /// in shuffled order.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Without stratification the test set gets <c>round(Count * testFraction)</c> samples, rounding half away from
    /// zero, and the training set the rest.
    /// </para>
    /// <para>
    /// With <paramref name="stratify"/>, each class is shuffled and split on its own: class <c>c</c> with
    /// <c>n_c</c> samples puts <c>round(n_c * testFraction)</c> (half away from zero) in the test set, so the
    /// proportions match per class and the total test size may differ slightly from the unstratified one (e.g. 3
    /// classes of 5 samples at 0.5 give 3 + 3 + 3 = 9 test samples). A class with a single sample can end up
    /// entirely on one side.
    /// </para>
    /// </remarks>
    /// <param name="dataset">The data to split (unchanged).</param>
    /// <param name="testFraction">Fraction of samples for the test set, strictly between 0 and 1.</param>
    /// <param name="seed">Seed of the shuffle; the same seed gives the same split.</param>
    /// <param name="stratify">Keep each class's proportion in both sides; needs class labels.</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1), or it leaves one side empty.</exception>
    /// <exception cref="ArgumentException"><paramref name="stratify"/> is set but the data has float targets instead of class labels.</exception>
    public static (Dataset Train, Dataset Test) TrainTest(Dataset dataset, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be strictly between 0 and 1.");
        }
        if (stratify && !dataset.HasLabels)
        {
            throw new ArgumentException("A stratified split needs class labels, but this data set has float targets. Split without stratify, or keep the labels until after splitting.", nameof(stratify));
        }

        var random = new SeededRandom(seed);
        int count = dataset.Count;
        int[] train;
        int[] test;
        if (!stratify)
        {
            int testCount = RoundedShare(count, testFraction);
            ThrowIfEmptySide(count, testCount, testFraction);
            int[] order = Identity(count);
            Shuffle(order, ref random);
            train = order[..(count - testCount)];
            test = order[(count - testCount)..];
        }
        else
        {
            ReadOnlySpan<int> labels = dataset.Labels;
            var byClass = new List<int>[dataset.ClassCount];
            for (int c = 0; c < byClass.Length; c++)
            {
                byClass[c] = [];
            }
            for (int i = 0; i < count; i++)
            {
                byClass[labels[i]].Add(i);
            }
            var trainList = new List<int>(count);
            var testList = new List<int>(count);
            foreach (List<int> members in byClass)
            {
                int[] indices = members.ToArray();
                Shuffle(indices, ref random);
                int testCount = RoundedShare(indices.Length, testFraction);
                testList.AddRange(indices.AsSpan(0, testCount));
                trainList.AddRange(indices.AsSpan(testCount));
            }
            ThrowIfEmptySide(count, testList.Count, testFraction);
            train = trainList.ToArray();
            test = testList.ToArray();
            Shuffle(train, ref random);
            Shuffle(test, ref random);
        }
        return (dataset.Select(train), dataset.Select(test));
    }

    /// <summary>Fisher-Yates shuffle of <paramref name="values"/> in place. Does not allocate.</summary>
    internal static void Shuffle(Span<int> values, ref SeededRandom random)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    internal static int[] Identity(int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        return order;
    }

    private static int RoundedShare(int count, double fraction) => (int)Math.Round(count * fraction, MidpointRounding.AwayFromZero);

    private static void ThrowIfEmptySide(int count, int testCount, double testFraction)
    {
        if (testCount == 0 || testCount == count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(testFraction),
                testFraction,
                $"A test fraction of {testFraction} of {count} samples gives {testCount} test and {count - testCount} training samples; both sides must be non-empty.");
        }
    }
}
