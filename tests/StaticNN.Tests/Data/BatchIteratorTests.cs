using System;
using System.Collections.Generic;
using System.Linq;
using StaticNN.Data;

namespace StaticNN.Tests.Data;

public sealed class BatchIteratorTests
{
    /// <summary>Sample i has features (i, 100 + i) and label i % 4.</summary>
    private static Dataset Labelled(int count) => new(
        Enumerable.Range(0, count).SelectMany(i => new[] { (float)i, 100f + i }).ToArray(), 2,
        Enumerable.Range(0, count).Select(i => i % 4).ToArray(), 4);

    /// <summary>Sample i has feature i and targets (2i, -i).</summary>
    private static Dataset Regression(int count) => new(
        Enumerable.Range(0, count).Select(i => (float)i).ToArray(), 1,
        Enumerable.Range(0, count).SelectMany(i => new[] { 2f * i, -i }).ToArray(), 2);

    /// <summary>Runs one epoch and returns the sample ids (first feature) in visiting order, checking each row's consistency.</summary>
    private static List<int> Epoch(BatchIterator iterator, int epoch, List<int>? batchSizes = null)
    {
        iterator.StartEpoch(epoch);
        var ids = new List<int>();
        while (iterator.MoveNext(out Batch batch))
        {
            batchSizes?.Add(batch.Count);
            batch.Features.Length.ShouldBe(batch.Count * iterator.Dataset.FeatureSize);
            for (int i = 0; i < batch.Count; i++)
            {
                int id = (int)batch.Features[i * iterator.Dataset.FeatureSize];
                ids.Add(id);
                if (iterator.Dataset.HasLabels)
                {
                    batch.Targets.IsEmpty.ShouldBeTrue();
                    batch.Features[i * 2 + 1].ShouldBe(100f + id);
                    batch.Labels[i].ShouldBe(id % 4);
                }
                else
                {
                    batch.Labels.IsEmpty.ShouldBeTrue();
                    batch.Targets[i * 2].ShouldBe(2f * id);
                    batch.Targets[i * 2 + 1].ShouldBe(-id);
                }
            }
        }
        return ids;
    }

    [Fact]
    public void EachEpoch_VisitsEverySampleExactlyOnce_WithAPartialLastBatch()
    {
        var iterator = new BatchIterator(Labelled(23), batchSize: 5, seed: 3);
        var sizes = new List<int>();

        List<int> ids = Epoch(iterator, 0, sizes);

        iterator.BatchCount.ShouldBe(5);
        iterator.BatchSize.ShouldBe(5);
        sizes.ShouldBe([5, 5, 5, 5, 3]);
        ids.OrderBy(i => i).ShouldBe(Enumerable.Range(0, 23));
        Epoch(iterator, 1).OrderBy(i => i).ShouldBe(Enumerable.Range(0, 23));
    }

    [Fact]
    public void FloatTargets_AreCopiedWithTheirRows()
    {
        var iterator = new BatchIterator(Regression(10), batchSize: 4, seed: 1);

        Epoch(iterator, 0).OrderBy(i => i).ShouldBe(Enumerable.Range(0, 10));
    }

    [Fact]
    public void Order_IsTheSameForTheSameSeedAndEpoch_WhateverCameBefore()
    {
        var a = new BatchIterator(Labelled(40), 8, seed: 5);
        var b = new BatchIterator(Labelled(40), 8, seed: 5);

        List<int> first = Epoch(a, 2);
        Epoch(b, 0);
        Epoch(b, 7);

        Epoch(b, 2).ShouldBe(first);
        Epoch(a, 2).ShouldBe(first);
    }

    [Fact]
    public void Order_DiffersAcrossEpochsAndSeeds()
    {
        var iterator = new BatchIterator(Labelled(40), 8, seed: 5);
        List<int> epoch0 = Epoch(iterator, 0);

        Epoch(iterator, 1).SequenceEqual(epoch0).ShouldBeFalse();
        epoch0.SequenceEqual(Enumerable.Range(0, 40)).ShouldBeFalse();
        Epoch(new BatchIterator(Labelled(40), 8, seed: 6), 0).SequenceEqual(epoch0).ShouldBeFalse();
    }

    [Fact]
    public void NoShuffle_KeepsDatasetOrderEveryEpoch()
    {
        var labelled = new BatchIterator(Labelled(11), 4, shuffle: false, seed: 5);
        var regression = new BatchIterator(Regression(11), 4, shuffle: false);

        Epoch(labelled, 0).ShouldBe(Enumerable.Range(0, 11));
        Epoch(labelled, 3).ShouldBe(Enumerable.Range(0, 11));
        Epoch(regression, 0).ShouldBe(Enumerable.Range(0, 11));
    }

    [Fact]
    public void MoveNextBeforeStartEpoch_BehavesAsEpochZero()
    {
        var fresh = new BatchIterator(Labelled(12), 5, seed: 9);
        var ids = new List<int>();
        while (fresh.MoveNext(out Batch batch))
        {
            for (int i = 0; i < batch.Count; i++) ids.Add((int)batch.Features[i * 2]);
        }

        ids.ShouldBe(Epoch(new BatchIterator(Labelled(12), 5, seed: 9), 0));
    }

    [Fact]
    public void AfterTheLastBatch_MoveNextKeepsReturningFalseWithAnEmptyBatch()
    {
        var iterator = new BatchIterator(Labelled(3), 2, seed: 0);
        Epoch(iterator, 0);

        iterator.MoveNext(out Batch batch).ShouldBeFalse();
        batch.Count.ShouldBe(0);
        batch.Features.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void BatchLargerThanDataset_GivesOneBatch()
    {
        var iterator = new BatchIterator(Labelled(3), 100, seed: 0);
        var sizes = new List<int>();

        Epoch(iterator, 0, sizes);

        iterator.BatchCount.ShouldBe(1);
        sizes.ShouldBe([3]);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new BatchIterator(Labelled(3), 0));
        Should.Throw<ArgumentNullException>(() => new BatchIterator(null!, 1));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void StartEpochAndMoveNext_AllocateNothing(bool shuffle, bool labelled)
    {
        var iterator = new BatchIterator(labelled ? Labelled(103) : Regression(103), 16, shuffle, seed: 1);
        float checksum = 0;

        void RunEpochs()
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                iterator.StartEpoch(epoch);
                while (iterator.MoveNext(out Batch batch))
                {
                    checksum += batch.Features[0] + batch.Count + (batch.Labels.IsEmpty ? batch.Targets[0] : batch.Labels[0]);
                }
            }
        }

        RunEpochs();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunEpochs();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.ShouldBe(0L);
        checksum.ShouldBeGreaterThan(0f);
    }
}
