using System;
using System.Diagnostics;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Training;

namespace StaticNN;

/// <summary>Keras-like training and evaluation for every generated network: <c>net.Fit(data, options)</c>, <c>net.Evaluate(data)</c>.</summary>
public static class TrainingExtensions
{
    /// <summary>
    /// Trains the network on <paramref name="data"/>: per epoch, shuffled mini-batches through ComputeGradients and the
    /// optimizer, then validation and callbacks. Allocates its buffers once, sized by <c>min(BatchSize, samples)</c>
    /// (so a batch size beyond the data means one batch of all of it, at no extra cost); the per-batch loop allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network or the options are invalid.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; weights were restored.</exception>
    public static History Fit<TNet>(this TNet network, Dataset data, FitOptions options)
        where TNet : class, ITrainableNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentNullException.ThrowIfNull(options.Optimizer);
        if (!(options.ValidationSplit >= 0 && options.ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationSplit, "ValidationSplit must be in [0, 1).");
        }
        if (options.ValidationSplit > 0 && options.ValidationData is not null)
        {
            throw new ArgumentException("Set either ValidationSplit or ValidationData, not both.", nameof(options));
        }
        if (options.ClipGradientNorm is float clip && !(clip > 0 && float.IsFinite(clip)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), clip, "ClipGradientNorm must be a positive, finite number.");
        }
        CheckCompatible<TNet>(data, nameof(data));
        if (options.LearningRateSchedule is { } plannedSchedule)
        {
            // Check every epoch's rate now rather than failing in the middle of training.
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                float rate = plannedSchedule.GetLearningRate(epoch, options.Optimizer.LearningRate);
                if (!(rate > 0 && float.IsFinite(rate)))
                {
                    throw new ArgumentException(
                        $"The learning-rate schedule gives {rate} for epoch {epoch}; the optimizers need a positive rate. "
                        + "Use CosineAnnealing with maxEpochs >= Epochs or a positive minLearningRate.", nameof(options));
                }
            }
        }

        Dataset train = data;
        Dataset? validation = options.ValidationData;
        if (validation is not null)
        {
            CheckCompatible<TNet>(validation, nameof(options));
        }
        if (options.ValidationSplit > 0)
        {
            // Keras: split_at = int(n * (1 - validation_split)); validation is everything after it.
            int validationCount = data.Count - (int)(data.Count * (1 - options.ValidationSplit));
            if (validationCount == 0 || validationCount == data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.ValidationSplit,
                    $"ValidationSplit {options.ValidationSplit} of {data.Count} samples leaves an empty training or validation set.");
            }
            train = data.Select(Range(0, data.Count - validationCount));
            validation = data.Select(Range(data.Count - validationCount, validationCount));
        }

        var history = new History();
        var state = new NetworkTrainingState<TNet>(network)
        {
            Optimizer = options.Optimizer,
            History = history,
            Epochs = options.Epochs,
        };
        var iterator = new BatchIterator(train, options.BatchSize, options.Shuffle, options.Seed);
        var gradients = new float[TNet.ParameterBlockLength];
        var snapshot = new float[TNet.ParameterBlockLength];
        var metrics = new MetricAccumulator<TNet>(BufferRows<TNet>(options.BatchSize, train, nameof(options)), train.HasLabels, detailed: false);
        float baseLearningRate = options.Optimizer.LearningRate;

        foreach (ICallback callback in options.Callbacks) callback.OnTrainBegin(state);
        for (int epoch = 0; epoch < options.Epochs && !state.StopTraining; epoch++)
        {
            long epochStart = Stopwatch.GetTimestamp();
            if (options.LearningRateSchedule is { } schedule)
            {
                options.Optimizer.LearningRate = schedule.GetLearningRate(epoch, baseLearningRate);
            }
            network.Parameters.CopyTo(snapshot);
            iterator.StartEpoch(epoch);
            metrics.Reset();
            long batching = 0, computing = 0, optimizing = 0, evaluating = 0;
            int batchIndex = 0;
            while (true)
            {
                long t0 = Stopwatch.GetTimestamp();
                if (!iterator.MoveNext(out Batch batch)) break;
                long t1 = Stopwatch.GetTimestamp();
                float loss = batch.Labels.Length > 0
                    ? network.ComputeGradients(batch.Features, batch.Labels, gradients)
                    : network.ComputeGradients(batch.Features, batch.Targets, gradients);
                long t2 = Stopwatch.GetTimestamp();
                if (!float.IsFinite(loss))
                {
                    snapshot.CopyTo(network.Parameters);
                    throw new TrainingDivergedException(epoch, batchIndex, loss);
                }
                if (options.ClipGradientNorm is float maxNorm)
                {
                    GradientClipping.ClipByNorm(gradients, maxNorm);
                }
                options.Optimizer.Step(network.Parameters, gradients);
                long t3 = Stopwatch.GetTimestamp();
                metrics.AddBatch(network, loss, batch);
                long t4 = Stopwatch.GetTimestamp();
                batching += t1 - t0;
                computing += t2 - t1;
                optimizing += t3 - t2;
                evaluating += t4 - t3;
                batchIndex++;
                options.Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, batchIndex, iterator.BatchCount, metrics.MeanLoss, null));
            }
            if (!AllFinite(network.Parameters))
            {
                snapshot.CopyTo(network.Parameters);
                throw new TrainingDivergedException(epoch, batchIndex - 1, float.NaN);
            }

            long validationStart = Stopwatch.GetTimestamp();
            EpochMetrics epochMetrics = metrics.ToEpochMetrics(epoch, options.Optimizer.LearningRate);
            if (validation is not null)
            {
                EvaluationResult result = Evaluate(network, validation, options.BatchSize, detailed: false);
                epochMetrics = epochMetrics with
                {
                    ValidationLoss = result.Loss,
                    ValidationAccuracy = result.Accuracy,
                    ValidationMeanAbsoluteError = result.MeanAbsoluteError,
                    ValidationRootMeanSquaredError = result.RootMeanSquaredError,
                };
            }
            long epochEnd = Stopwatch.GetTimestamp();
            epochMetrics = epochMetrics with
            {
                GradientTime = Stopwatch.GetElapsedTime(0, computing),
                OptimizerTime = Stopwatch.GetElapsedTime(0, optimizing),
                BatchingTime = Stopwatch.GetElapsedTime(0, batching),
                EvaluationTime = Stopwatch.GetElapsedTime(0, evaluating + (epochEnd - validationStart)),
                TotalTime = Stopwatch.GetElapsedTime(epochStart, epochEnd),
            };
            history.Add(epochMetrics);
            foreach (ICallback callback in options.Callbacks) callback.OnEpochEnd(state, epochMetrics);
            options.Progress?.Invoke(new TrainingProgress(epoch, options.Epochs, batchIndex, iterator.BatchCount, epochMetrics.Loss, epochMetrics));
        }
        history.StoppedEarly = state.StopTraining && history.Epochs.Count < options.Epochs;
        foreach (ICallback callback in options.Callbacks) callback.OnTrainEnd(state);
        return history;
    }

    /// <summary>
    /// Loss and metrics of the network on <paramref name="data"/>: accuracy, confusion matrix and per-class precision,
    /// recall and F1 for classifiers; MAE and RMSE for regression. Uses the training workspace (not thread-safe). Its
    /// buffers hold <c>min(batchSize, samples)</c> rows.
    /// </summary>
    public static EvaluationResult Evaluate<TNet>(this TNet network, Dataset data, int batchSize = 256)
        where TNet : class, ITrainableNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        CheckCompatible<TNet>(data, nameof(data));
        return Evaluate(network, data, batchSize, detailed: true);
    }

    private static EvaluationResult Evaluate<TNet>(TNet network, Dataset data, int batchSize, bool detailed)
        where TNet : class, ITrainableNetwork<TNet>
    {
        var metrics = new MetricAccumulator<TNet>(BufferRows<TNet>(batchSize, data, nameof(batchSize)), data.HasLabels, detailed);
        var iterator = new BatchIterator(data, batchSize, shuffle: false);
        iterator.StartEpoch(0);
        while (iterator.MoveNext(out Batch batch))
        {
            float loss = batch.Labels.Length > 0
                ? network.ComputeLoss(batch.Features, batch.Labels)
                : network.ComputeLoss(batch.Features, batch.Targets);
            metrics.AddBatch(network, loss, batch);
        }
        return metrics.ToEvaluationResult();
    }

    /// <summary>
    /// Rows of the per-batch buffers: the batch size, but never more than the data holds, so a batch size larger than
    /// the data (even int.MaxValue) costs only what one batch of all the data needs.
    /// </summary>
    private static int BufferRows<TNet>(int batchSize, Dataset data, string paramName) where TNet : class, ITrainableNetwork<TNet>
    {
        int rows = Math.Min(batchSize, data.Count);
        if ((long)rows * TNet.OutputSize > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(paramName, batchSize,
                $"A batch of {rows} samples times {typeof(TNet).Name}'s {TNet.OutputSize} outputs does not fit in one array ({Array.MaxLength}); use a smaller batch size.");
        }
        return rows;
    }

    private static void CheckCompatible<TNet>(Dataset data, string paramName) where TNet : class, ITrainableNetwork<TNet>
    {
        string network = typeof(TNet).Name;
        if (data.FeatureSize != TNet.InputSize)
        {
            throw new ArgumentException($"{network} takes {TNet.InputSize} inputs but the data has {data.FeatureSize} features per sample.", paramName);
        }
        if (data.HasLabels)
        {
            int expectedClasses = TNet.OutputSize == 1 ? 2 : TNet.OutputSize;
            if (data.ClassCount > expectedClasses)
            {
                throw new ArgumentException($"{network} has {TNet.OutputSize} outputs, which cannot represent the data's {data.ClassCount} classes.", paramName);
            }
        }
        else if (data.TargetSize != TNet.OutputSize)
        {
            throw new ArgumentException($"{network} has {TNet.OutputSize} outputs but the data has {data.TargetSize} target values per sample.", paramName);
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (!float.IsFinite(value)) return false;
        }
        return true;
    }

    private static int[] Range(int start, int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = start + i;
        return indices;
    }

    private sealed class NetworkTrainingState<TNet>(TNet network) : TrainingState
        where TNet : class, ITrainableNetwork<TNet>
    {
        public override Span<float> Parameters => network.Parameters;

        public override void SaveWeights(string path) => network.Save(path);
    }
}
