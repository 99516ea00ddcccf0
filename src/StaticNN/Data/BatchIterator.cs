using System;
using StaticNN.Runtime;

namespace StaticNN.Data;

/// <summary>
/// Walks a <see cref="Dataset"/> in mini-batches, copying each batch's rows into buffers it owns, in an order that
/// is reshuffled every epoch from <c>(seed, epoch)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Typical use: <c>for each epoch { iterator.StartEpoch(epoch); while (iterator.MoveNext(out Batch batch)) { ... } }</c>.
/// Each epoch visits every sample exactly once; the last batch holds the remainder when <see cref="BatchSize"/>
/// does not divide the sample count.
/// </para>
/// <para>
/// All buffers are allocated by the constructor; <see cref="StartEpoch"/> and <see cref="MoveNext"/> do not
/// allocate. A <see cref="Batch"/>'s spans point into those buffers and are overwritten by the next
/// <see cref="MoveNext"/>. Not thread-safe.
/// </para>
/// </remarks>
public sealed class BatchIterator
{
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int[] _order;
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly int[] _labels;
    private int _position;
    private bool _started;

    /// <summary>Creates an iterator and allocates its batch buffers (<c>min(batchSize, Count)</c> rows).</summary>
    /// <param name="dataset">The data to iterate; it is not copied.</param>
    /// <param name="batchSize">Samples per batch; at least 1. It may exceed the sample count (one batch per epoch).</param>
    /// <param name="shuffle">Reshuffle the order every epoch; false keeps the data set's order.</param>
    /// <param name="seed">Seed of the shuffles; ignored without shuffling.</param>
    public BatchIterator(Dataset dataset, int batchSize, bool shuffle = true, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Dataset = dataset;
        BatchSize = batchSize;
        BatchCount = (int)(((long)dataset.Count + batchSize - 1) / batchSize);
        _shuffle = shuffle;
        _seed = seed;
        _order = DatasetSplit.Identity(dataset.Count);
        int rows = Math.Min(batchSize, dataset.Count);
        _features = new float[rows * dataset.FeatureSize];
        if (dataset.HasLabels)
        {
            _labels = new int[rows];
            _targets = [];
        }
        else
        {
            _targets = new float[rows * dataset.TargetSize];
            _labels = [];
        }
    }

    /// <summary>The data being iterated.</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch (the last batch of an epoch may hold fewer).</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch: <c>ceil(Count / BatchSize)</c>; the last partial batch is used.</summary>
    public int BatchCount { get; }

    /// <summary>
    /// Starts epoch <paramref name="epoch"/> from its first batch. With shuffling, the order is a Fisher-Yates
    /// permutation seeded by <c>(seed, epoch)</c> alone, so the same pair always gives the same order whatever came
    /// before; without shuffling it is the data set's order. Does not allocate.
    /// </summary>
    /// <param name="epoch">Epoch number (any value; usually 0, 1, 2, ...).</param>
    public void StartEpoch(int epoch)
    {
        if (_shuffle)
        {
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }
            var random = new SeededRandom(EpochSeed(_seed, epoch));
            DatasetSplit.Shuffle(_order, ref random);
        }
        _position = 0;
        _started = true;
    }

    /// <summary>
    /// Copies the next batch of the epoch into the iterator's buffers. Returns false, with an empty batch, once
    /// every sample of the epoch has been returned (and keeps returning false until <see cref="StartEpoch"/>).
    /// Calling it before any <see cref="StartEpoch"/> starts epoch 0. Does not allocate.
    /// </summary>
    /// <param name="batch">The batch; its spans are valid until the next call.</param>
    /// <returns>Whether a batch was produced.</returns>
    public bool MoveNext(out Batch batch)
    {
        if (!_started)
        {
            StartEpoch(0);
        }
        Dataset data = Dataset;
        int remaining = data.Count - _position;
        if (remaining <= 0)
        {
            batch = default;
            return false;
        }

        int count = Math.Min(BatchSize, remaining);
        int featureSize = data.FeatureSize;
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<float> targets = data.Targets;
        ReadOnlySpan<int> labels = data.Labels;
        int targetSize = targets.IsEmpty ? 0 : data.TargetSize;

        if (!_shuffle)
        {
            // Identity order: the batch is one contiguous block.
            features.Slice(_position * featureSize, count * featureSize).CopyTo(_features);
            if (targetSize > 0)
            {
                targets.Slice(_position * targetSize, count * targetSize).CopyTo(_targets);
            }
            else
            {
                labels.Slice(_position, count).CopyTo(_labels);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                int sample = _order[_position + i];
                features.Slice(sample * featureSize, featureSize).CopyTo(_features.AsSpan(i * featureSize, featureSize));
                if (targetSize > 0)
                {
                    targets.Slice(sample * targetSize, targetSize).CopyTo(_targets.AsSpan(i * targetSize, targetSize));
                }
                else
                {
                    _labels[i] = labels[sample];
                }
            }
        }

        _position += count;
        if (_shuffle)
        {
            PrefetchNextBatch(features, featureSize);
        }
        batch = new Batch(
            count,
            _features.AsSpan(0, count * featureSize),
            targetSize > 0 ? _targets.AsSpan(0, count * targetSize) : default,
            targetSize > 0 ? default : _labels.AsSpan(0, count));
        return true;
    }

    /// <summary>
    /// Asks the CPU to start loading the next batch's rows into L2. Shuffled rows sit at random places in a large array
    /// (Fashion-MNIST: 188 MB); without the hint each row copy waits on DRAM, with it the misses overlap with the
    /// training step that runs on the current batch. Only a hint: nothing is read, so a moved array is harmless.
    /// </summary>
    private unsafe void PrefetchNextBatch(ReadOnlySpan<float> features, int featureSize)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            return;
        }
        int end = Math.Min(_position + BatchSize, Dataset.Count);
        int rowBytes = featureSize * sizeof(float);
        fixed (float* first = features)
        {
            for (int i = _position; i < end; i++)
            {
                byte* row = (byte*)(first + (long)_order[i] * featureSize);
                for (int offset = 0; offset < rowBytes; offset += 64)
                {
                    System.Runtime.Intrinsics.X86.Sse.Prefetch1(row + offset);
                }
            }
        }
    }

    /// <summary>Mixes (seed, epoch) into one generator seed; bijective in each argument for a fixed other one, so epochs never collide.</summary>
    private static int EpochSeed(int seed, int epoch)
    {
        uint h = (uint)seed ^ Fmix32((uint)epoch + 0x9E3779B9u);
        return (int)Fmix32(h);
    }

    // MurmurHash3's 32-bit finalizer (a bijection).
    private static uint Fmix32(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return h;
    }
}

/// <summary>
/// One mini-batch from <see cref="BatchIterator.MoveNext"/>. Its spans point into the iterator's buffers and are
/// valid until the next <see cref="BatchIterator.MoveNext"/> or <see cref="BatchIterator.StartEpoch"/>.
/// </summary>
public readonly ref struct Batch
{
    internal Batch(int count, ReadOnlySpan<float> features, ReadOnlySpan<float> targets, ReadOnlySpan<int> labels)
    {
        Count = count;
        Features = features;
        Targets = targets;
        Labels = labels;
    }

    /// <summary>Samples in this batch.</summary>
    public int Count { get; }

    /// <summary>Features, row-major: <see cref="Count"/> x <see cref="Dataset.FeatureSize"/>.</summary>
    public ReadOnlySpan<float> Features { get; }

    /// <summary>Float targets, row-major: <see cref="Count"/> x <see cref="Dataset.TargetSize"/>; empty for labelled data.</summary>
    public ReadOnlySpan<float> Targets { get; }

    /// <summary>Class indices, one per sample; empty for data with float targets.</summary>
    public ReadOnlySpan<int> Labels { get; }
}
