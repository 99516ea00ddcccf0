using System;
using System.Linq;
using StaticNN.Data;

namespace StaticNN.Tests.Data;

public sealed class DatasetSplitTests
{
    /// <summary>Feature = original sample index, so rows can be traced through a shuffle.</summary>
    private static Dataset Indexed(int count, int classes = 3) =>
        new(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), 1, Enumerable.Range(0, count).Select(i => i % classes).ToArray(), classes);

    private static Dataset Blocked(int classes, int perClass) =>
        new(Enumerable.Range(0, classes * perClass).Select(i => (float)i).ToArray(), 1, Enumerable.Range(0, classes * perClass).Select(i => i / perClass).ToArray(), classes);

    private static int[] Ids(Dataset data) => data.Features.ToArray().Select(f => (int)f).ToArray();

    [Fact]
    public void Shuffle_IsAPermutationKeepingRowsWithTheirLabels()
    {
        Dataset data = Indexed(100);

        Dataset shuffled = DatasetSplit.Shuffle(data, seed: 7);

        int[] ids = Ids(shuffled);
        ids.OrderBy(i => i).ShouldBe(Enumerable.Range(0, 100));
        ids.SequenceEqual(Enumerable.Range(0, 100)).ShouldBeFalse();
        for (int i = 0; i < 100; i++)
        {
            shuffled.Labels[i].ShouldBe(ids[i] % 3);
        }
    }

    [Fact]
    public void Shuffle_SameSeedSameOrder_DifferentSeedDifferentOrder()
    {
        Dataset data = Indexed(50);

        Ids(DatasetSplit.Shuffle(data, 1)).ShouldBe(Ids(DatasetSplit.Shuffle(data, 1)));
        Ids(DatasetSplit.Shuffle(data, 1)).SequenceEqual(Ids(DatasetSplit.Shuffle(data, 2))).ShouldBeFalse();
    }

    [Fact]
    public void Shuffle_MatchesAFisherYatesOverSeededRandom()
    {
        // Pins the algorithm, so orders cannot silently change between versions.
        var random = new StaticNN.Runtime.SeededRandom(5);
        int[] expected = Enumerable.Range(0, 20).ToArray();
        for (int i = expected.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }

        Ids(DatasetSplit.Shuffle(Indexed(20), 5)).ShouldBe(expected);
    }

    [Fact]
    public void TrainTest_SizesAreRoundedAndSidesDisjointAndComplete()
    {
        (Dataset train, Dataset test) = DatasetSplit.TrainTest(Indexed(101), 0.25, seed: 3);

        test.Count.ShouldBe(25); // round(25.25)
        train.Count.ShouldBe(76);
        int[] all = Ids(train).Concat(Ids(test)).ToArray();
        all.Distinct().Count().ShouldBe(101);
        all.OrderBy(i => i).ShouldBe(Enumerable.Range(0, 101));
        test.ClassCount.ShouldBe(3);
    }

    [Fact]
    public void TrainTest_RoundsHalfAwayFromZero()
    {
        DatasetSplit.TrainTest(Indexed(10), 0.25, seed: 1).Test.Count.ShouldBe(3); // 2.5 -> 3
    }

    [Fact]
    public void TrainTest_IsDeterministicPerSeed()
    {
        Dataset data = Indexed(60);

        (Dataset a, Dataset b) = DatasetSplit.TrainTest(data, 0.3, seed: 11);
        (Dataset c, Dataset d) = DatasetSplit.TrainTest(data, 0.3, seed: 11);
        (_, Dataset e) = DatasetSplit.TrainTest(data, 0.3, seed: 12);

        Ids(a).ShouldBe(Ids(c));
        Ids(b).ShouldBe(Ids(d));
        Ids(b).SequenceEqual(Ids(e)).ShouldBeFalse();
    }

    [Fact]
    public void TrainTest_WorksForFloatTargets()
    {
        var data = new Dataset(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 1, Enumerable.Range(0, 10).Select(i => i * 2f).ToArray(), 1);

        (Dataset train, Dataset test) = DatasetSplit.TrainTest(data, 0.2, seed: 4);

        test.Count.ShouldBe(2);
        for (int i = 0; i < train.Count; i++)
        {
            train.Targets[i].ShouldBe(train.Features[i] * 2f);
        }
    }

    [Fact]
    public void Stratified_ThreeClassesOfFifty_Gives40And10Each()
    {
        (Dataset train, Dataset test) = DatasetSplit.TrainTest(Blocked(3, 50), 0.2, seed: 9, stratify: true);

        train.Count.ShouldBe(120);
        test.Count.ShouldBe(30);
        for (int c = 0; c < 3; c++)
        {
            train.Labels.Count(c).ShouldBe(40);
            test.Labels.Count(c).ShouldBe(10);
        }
        Ids(train).Concat(Ids(test)).OrderBy(i => i).ShouldBe(Enumerable.Range(0, 150));
        for (int i = 0; i < test.Count; i++)
        {
            test.Labels[i].ShouldBe(Ids(test)[i] / 50);
        }
    }

    [Fact]
    public void Stratified_KeepsProportionsOfUnbalancedClassesAndMixesClassesInOutput()
    {
        // 90 of class 0, 10 of class 1: an unstratified split could leave class 1 out of the test set.
        var labels = Enumerable.Range(0, 100).Select(i => i < 90 ? 0 : 1).ToArray();
        var data = new Dataset(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), 1, labels, 2);

        (Dataset train, Dataset test) = DatasetSplit.TrainTest(data, 0.3, seed: 2, stratify: true);

        test.Labels.Count(0).ShouldBe(27);
        test.Labels.Count(1).ShouldBe(3);
        train.Labels.Count(0).ShouldBe(63);
        train.Labels.Count(1).ShouldBe(7);
        test.Labels.ToArray().SequenceEqual(test.Labels.ToArray().OrderBy(l => l)).ShouldBeFalse(); // shuffled, not grouped by class
    }

    [Fact]
    public void Stratified_RoundsEachClassSeparately()
    {
        (_, Dataset test) = DatasetSplit.TrainTest(Blocked(3, 5), 0.5, seed: 1, stratify: true);

        test.Count.ShouldBe(9); // 3 classes x round(2.5) = 3 x 3, where the unstratified split gives 8
        DatasetSplit.TrainTest(Blocked(3, 5), 0.5, seed: 1).Test.Count.ShouldBe(8);
    }

    [Fact]
    public void Stratified_OnFloatTargets_ThrowsArgumentException()
    {
        var data = new Dataset([1f, 2f, 3f], 1, [1f, 2f, 3f], 1);

        ArgumentException error = Should.Throw<ArgumentException>(() => DatasetSplit.TrainTest(data, 0.5, 1, stratify: true));

        error.ParamName.ShouldBe("stratify");
        error.Message.ShouldContain("class labels");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void FractionOutsideOpenUnitInterval_Throws(double fraction)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => DatasetSplit.TrainTest(Indexed(10), fraction, 1)).ParamName.ShouldBe("testFraction");
    }

    [Theory]
    [InlineData(0.01, false)] // round(0.1) = 0 test samples
    [InlineData(0.99, false)] // round(9.9) = 10 test samples, 0 training
    [InlineData(0.04, true)]  // every class rounds to 0
    public void FractionLeavingOneSideEmpty_Throws(double fraction, bool stratify)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => DatasetSplit.TrainTest(Indexed(10), fraction, 1, stratify)).Message.ShouldContain("non-empty");
    }
}
