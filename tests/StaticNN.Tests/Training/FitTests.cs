using System;
using System.IO;
using System.Linq;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Tests.Networks;
using StaticNN.Training;

namespace StaticNN.Tests.Training;

[Network(Loss = Loss.CrossEntropy)]
[Input(2)]
[Dense(16, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class BlobNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(8, Activation.Tanh)]
[Dense(2)]
public sealed partial class LinearNet;

/// <summary>The Keras-like training loop: metrics, validation, callbacks, divergence, determinism, allocation.</summary>
public sealed class FitTests
{
    /// <summary>Three Gaussian blobs in 2-D (well separated), labelled 0..2, in a seeded random order.</summary>
    internal static Dataset Blobs(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        (float X, float Y)[] centers = [(-2f, 0f), (2f, 0f), (0f, 2.5f)];
        for (int i = 0; i < count; i++)
        {
            int c = random.Next(3);
            labels[i] = c;
            features[2 * i] = centers[c].X + (float)(random.NextDouble() - 0.5);
            features[2 * i + 1] = centers[c].Y + (float)(random.NextDouble() - 0.5);
        }
        return new Dataset(features, 2, labels, 3, ["left", "right", "top"]);
    }

    [Fact]
    public void Fit_Classification_ReachesHighAccuracyAndRecordsEveryEpoch()
    {
        Dataset data = Blobs(600, 1);
        var net = new BlobNet(seed: 1);
        History history = net.Fit(data, new FitOptions { Epochs = 15, BatchSize = 32, Optimizer = new Adam(0.01f), ValidationSplit = 0.2, Seed = 3 });

        history.Epochs.Count.ShouldBe(15);
        history["loss"][^1].ShouldBeLessThan(history["loss"][0]);
        history["accuracy"][^1].ShouldBeGreaterThan(0.97f);
        history["val_accuracy"][^1].ShouldBeGreaterThan(0.97f);
        history["mae"].ShouldAllBe(v => float.IsNaN(v));
        EpochMetrics last = history.Epochs[^1];
        last.GradientTime.ShouldBeGreaterThan(TimeSpan.Zero);
        last.TotalTime.ShouldBeGreaterThanOrEqualTo(last.GradientTime + last.OptimizerTime);

        EvaluationResult result = net.Evaluate(Blobs(300, 2));
        result.Count.ShouldBe(300);
        result.Accuracy.ShouldBeGreaterThan(0.97f);
        int[,] confusion = result.ConfusionMatrix!;
        int total = 0, diagonal = 0;
        for (int a = 0; a < 3; a++)
        for (int p = 0; p < 3; p++)
        {
            total += confusion[a, p];
            if (a == p) diagonal += confusion[a, p];
        }
        total.ShouldBe(300);
        ((float)diagonal / total).ShouldBe(result.Accuracy, 1e-6f);
        result.PerClass.Length.ShouldBe(3);
        result.PerClass.Sum(c => c.Support).ShouldBe(300);
    }

    [Fact]
    public void Evaluate_ComputesConfusionMatrixAndPerClassFiguresExactly()
    {
        // A fixed linear classifier: class = argmax(x0, x1, x2) through an identity-like weight matrix.
        var net = new IdentityClassifier();
        net.SetLayerParameters(0, [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]);
        float[] features = [5, 0, 0, /**/ 0, 5, 0, /**/ 0, 0, 5, /**/ 0, 5, 0, /**/ 5, 0, 0];
        int[] labels = [0, 1, 2, 0, 2]; // predictions 0, 1, 2, 1, 0
        EvaluationResult result = net.Evaluate(new Dataset(features, 3, labels, 3), batchSize: 2);
        result.Accuracy.ShouldBe(3f / 5f);
        int[,] expected = { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 1 } };
        result.ConfusionMatrix.ShouldBe(expected);
        result.PerClass[0].ShouldBe(new ClassMetrics(0.5f, 0.5f, 0.5f, 2));
        result.PerClass[1].Precision.ShouldBe(0.5f);
        result.PerClass[1].Recall.ShouldBe(1f);
        result.PerClass[2].ShouldBe(new ClassMetrics(1f, 0.5f, 2f / 3f, 2));
    }

    [Fact]
    public void Fit_Regression_ReportsMaeAndRmseAndConverges()
    {
        var random = new Random(5);
        const int count = 400;
        var x = new float[count * 3];
        var y = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 3; j++) x[i * 3 + j] = (float)(random.NextDouble() * 2 - 1);
            y[i * 2] = 0.5f * x[i * 3] - 0.3f * x[i * 3 + 1];
            y[i * 2 + 1] = 0.2f * x[i * 3 + 2] + 0.1f;
        }
        var net = new LinearNet(seed: 2);
        History history = net.Fit(new Dataset(x, 3, y, 2), new FitOptions { Epochs = 60, BatchSize = 16, Optimizer = new Adam(0.01f), ValidationSplit = 0.25 });
        history["val_rmse"][^1].ShouldBeLessThan(0.05f);
        history["val_mae"][^1].ShouldBeLessThanOrEqualTo(history["val_rmse"][^1] + 1e-6f);
        history["accuracy"].ShouldAllBe(v => float.IsNaN(v));
        net.Evaluate(new Dataset(x, 3, y, 2)).RootMeanSquaredError.ShouldBeLessThan(0.05f);
    }

    [Fact]
    public void ValidationSplit_TakesTheLastSamplesLikeKeras()
    {
        // Sort so that every class-2 sample is at the end: the last 25% (validation) is class 2 only and training never
        // sees class 2. With Keras' rule the network learns classes 0/1 and fails on validation; a random split would not.
        Dataset blobs = Blobs(800, 7);
        int[] classesZeroAndOne = Enumerable.Range(0, 800).Where(i => blobs.Labels[i] != 2).Take(300).ToArray();
        int[] classTwo = Enumerable.Range(0, 800).Where(i => blobs.Labels[i] == 2).Take(100).ToArray();
        classTwo.Length.ShouldBe(100);
        Dataset sorted = blobs.Select([.. classesZeroAndOne, .. classTwo]);
        var net = new BlobNet(seed: 4);
        History history = net.Fit(sorted, new FitOptions { Epochs = 10, ValidationSplit = 0.25, Optimizer = new Adam(0.01f) });
        history["accuracy"][^1].ShouldBeGreaterThan(0.95f);
        history["val_accuracy"][^1].ShouldBeLessThan(0.2f);
    }

    [Fact]
    public void SameSeeds_GiveBitIdenticalWeightsAndHistory()
    {
        (float[] Weights, float[] Loss) Run()
        {
            var net = new BlobNet(seed: 8);
            History h = net.Fit(Blobs(200, 3), new FitOptions { Epochs = 3, BatchSize = 10, Optimizer = new Adam(0.01f), Seed = 11 });
            return (net.Parameters.ToArray(), h["loss"]);
        }
        var (w1, l1) = Run();
        var (w2, l2) = Run();
        w1.ShouldBe(w2);
        l1.ShouldBe(l2);
    }

    [Fact]
    public void DivergingLoss_ThrowsNamingEpochAndBatchAndRestoresFiniteWeights()
    {
        var net = new LinearNet(seed: 1);
        var random = new Random(1);
        float[] x = Enumerable.Range(0, 300).Select(_ => (float)random.NextDouble() * 100).ToArray();
        float[] y = Enumerable.Range(0, 200).Select(_ => (float)random.NextDouble() * 1e4f).ToArray();
        var data = new Dataset(x, 3, y, 2);
        var snapshots = new EpochEndSnapshot(net.Parameters.ToArray());
        var ex = Should.Throw<TrainingDivergedException>(() => net.Fit(data, new FitOptions
        {
            Epochs = 50, BatchSize = 10, Optimizer = new Sgd(10f), Callbacks = { snapshots },
        }));
        net.Parameters.ToArray().ShouldBe(snapshots.Last); // the start of the diverging epoch = the end of the previous one
        ex.Epoch.ShouldBeGreaterThanOrEqualTo(0);
        ex.Batch.ShouldBeGreaterThanOrEqualTo(0);
        ex.Message.ShouldContain($"epoch {ex.Epoch}, batch {ex.Batch}");
        net.Parameters.ToArray().ShouldAllBe(v => float.IsFinite(v));
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatienceAndRestoresTheBestEpochsWeights()
    {
        var state = new FakeState(parameterCount: 4);
        var stopping = new EarlyStopping("val_loss", patience: 2, restoreBestWeights: true);
        stopping.OnTrainBegin(state);
        float[] losses = [1.0f, 0.5f, 0.6f, 0.55f, 0.7f];
        for (int epoch = 0; epoch < losses.Length && !state.StopTraining; epoch++)
        {
            state.Parameters.Fill(epoch);    // weights "of" this epoch
            ((ICallback)stopping).OnEpochEnd(state, new EpochMetrics { Epoch = epoch, Loss = 0, ValidationLoss = losses[epoch] });
        }
        state.StopTraining.ShouldBeTrue();
        stopping.StoppedEpoch.ShouldBe(3);       // epochs 2 and 3 did not improve on 0.5
        stopping.BestEpoch.ShouldBe(1);
        ((ICallback)stopping).OnTrainEnd(state);
        state.Parameters.ToArray().ShouldAllBe(v => v == 1f);

        var accuracy = new EarlyStopping("val_accuracy", patience: 0, minDelta: 0.01f);
        var s2 = new FakeState(1);
        accuracy.OnTrainBegin(s2);
        ((ICallback)accuracy).OnEpochEnd(s2, new EpochMetrics { Epoch = 0, Loss = 0, ValidationAccuracy = 0.80f });
        ((ICallback)accuracy).OnEpochEnd(s2, new EpochMetrics { Epoch = 1, Loss = 0, ValidationAccuracy = 0.805f }); // below minDelta
        s2.StopTraining.ShouldBeTrue();
    }

    [Fact]
    public void MonitoringAMissingMetric_ThrowsWithTheFix()
    {
        var net = new BlobNet();
        var ex = Should.Throw<InvalidOperationException>(() => net.Fit(Blobs(50, 1), new FitOptions { Epochs = 2, Callbacks = { new EarlyStopping("val_loss") } }));
        ex.Message.ShouldContain("ValidationSplit");
        Should.Throw<ArgumentException>(() => new EarlyStopping("val_los"));
    }

    [Fact]
    public void ModelCheckpoint_SavesOnImprovementAndTheFileLoads()
    {
        string folder = Path.Combine(Path.GetTempPath(), "staticnn-checkpoint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "best.safetensors");
            var checkpoint = new ModelCheckpoint(path, monitor: "val_accuracy");
            var stopping = new EarlyStopping("val_accuracy", patience: 100, restoreBestWeights: true);
            var net = new BlobNet(seed: 2);
            net.Fit(Blobs(300, 4), new FitOptions { Epochs = 6, Optimizer = new Adam(0.01f), ValidationSplit = 0.2, Callbacks = { checkpoint, stopping } });
            checkpoint.SaveCount.ShouldBeGreaterThan(0);
            File.Exists(path).ShouldBeTrue();
            var loaded = new BlobNet(seed: 99);
            loaded.Load(path);
            loaded.Parameters.ToArray().ShouldBe(net.Parameters.ToArray()); // both hold the best epoch's weights
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Progress_IsReportedPerBatchAndPerEpoch()
    {
        int batches = 0, epochEnds = 0;
        new BlobNet().Fit(Blobs(95, 1), new FitOptions
        {
            Epochs = 2,
            BatchSize = 10,
            Progress = p =>
            {
                p.BatchCount.ShouldBe(10);
                if (p.Metrics is null) batches++;
                else epochEnds++;
            },
        });
        batches.ShouldBe(20);
        epochEnds.ShouldBe(2);
    }

    [Fact]
    public void BadData_IsRejectedWithTheSizes()
    {
        var net = new BlobNet();
        Should.Throw<ArgumentException>(() => net.Fit(new Dataset(new float[9], 3, new int[3], 3), new FitOptions()))
            .Message.ShouldContain("takes 2 inputs but the data has 3 features");
        Should.Throw<ArgumentException>(() => net.Fit(new Dataset(new float[8], 2, new int[4], 5), new FitOptions()))
            .Message.ShouldContain("5 classes");
        Should.Throw<ArgumentOutOfRangeException>(() => net.Fit(Blobs(10, 1), new FitOptions { ValidationSplit = 1.0 }));
        Should.Throw<ArgumentOutOfRangeException>(() => net.Fit(Blobs(10, 1), new FitOptions { Epochs = 0 }));
    }

    [Fact]
    public void TrainingLoop_AllocatesNothingPerBatch()
    {
        Dataset data = Blobs(3200, 1); // 100 batches of 32 per epoch
        var net = new BlobNet();
        var optimizer = new Adam();
        long Allocated(int epochs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            net.Fit(data, new FitOptions { Epochs = epochs, Optimizer = optimizer });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(1);
        // Smallest of three trials: runtime one-offs (tier-up on this thread) land in one trial, a per-batch allocation in all.
        long perExtraEpochs = Enumerable.Range(0, 3).Min(_ => Allocated(6) - Allocated(2));
        // Four extra epochs of 100 batches: only per-epoch records (a few hundred bytes each), nothing per batch.
        perExtraEpochs.ShouldBeLessThan(4 * 1024);
    }

    private sealed class EpochEndSnapshot(float[] initial) : ICallback
    {
        public float[] Last { get; private set; } = initial;

        public void OnEpochEnd(TrainingState state, EpochMetrics metrics) => Last = state.Parameters.ToArray();
    }

    private sealed class FakeState : TrainingState
    {
        private readonly float[] _parameters;

        [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
        public FakeState(int parameterCount)
        {
            _parameters = new float[parameterCount];
            Optimizer = new Sgd();
            History = new History();
            Epochs = 10;
        }

        public override Span<float> Parameters => _parameters;

        public override void SaveWeights(string path) => throw new NotSupportedException("not used by these tests");
    }
}

[Network(Loss = Loss.CrossEntropy)]
[Input(3)]
[Dense(3, Activation.Softmax)]
public sealed partial class IdentityClassifier;

/// <summary>Learning-rate schedules and gradient clipping inside Fit.</summary>
public sealed class FitScheduleTests
{
    [Fact]
    public void Schedule_SetsEachEpochsLearningRate()
    {
        var optimizer = new Adam(0.02f);
        History history = new BlobNet(seed: 1).Fit(FitTests.Blobs(64, 1), new FitOptions
        {
            Epochs = 4, Optimizer = optimizer, LearningRateSchedule = new StepDecay(stepSize: 2, gamma: 0.5f), ClipGradientNorm = 1f,
        });
        history["lr"].ShouldBe([0.02f, 0.02f, 0.01f, 0.01f]);
    }

    [Fact]
    public void ScheduleReachingZero_IsRejectedBeforeTraining()
    {
        var net = new BlobNet(seed: 1);
        float[] before = net.Parameters.ToArray();
        var ex = Should.Throw<ArgumentException>(() => net.Fit(FitTests.Blobs(64, 1), new FitOptions
        {
            Epochs = 5, LearningRateSchedule = new CosineAnnealing(maxEpochs: 3),
        }));
        ex.Message.ShouldContain("epoch 3");
        net.Parameters.ToArray().ShouldBe(before);
    }
}
