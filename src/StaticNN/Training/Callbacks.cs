using System;

namespace StaticNN.Training;

/// <summary>What callbacks see of a running <c>Fit</c>: the network's parameters, the history, and a way to stop.</summary>
public abstract class TrainingState
{
    /// <summary>The network's parameter block (read it to snapshot weights, write it to restore them).</summary>
    public abstract Span<float> Parameters { get; }

    /// <summary>Saves the network's weights to a safetensors file (atomically).</summary>
    public abstract void SaveWeights(string path);

    /// <summary>The optimizer in use; callbacks may change its learning rate.</summary>
    public required Optimizers.IOptimizer Optimizer { get; init; }

    /// <summary>Metrics of the epochs completed so far.</summary>
    public required History History { get; init; }

    /// <summary>Number of epochs requested.</summary>
    public required int Epochs { get; init; }

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }
}

/// <summary>Hooks into <c>Fit</c>. Every method has an empty default.</summary>
public interface ICallback
{
    /// <summary>Called once before the first epoch.</summary>
    void OnTrainBegin(TrainingState state)
    {
    }

    /// <summary>Called after each epoch's metrics (including validation) are known.</summary>
    void OnEpochEnd(TrainingState state, EpochMetrics metrics)
    {
    }

    /// <summary>Called once after the last epoch (also after an early stop).</summary>
    void OnTrainEnd(TrainingState state)
    {
    }
}

/// <summary>Tracks the best value of a monitored metric (Keras' "mode": min for losses and errors, max for accuracy).</summary>
public abstract class MonitoringCallback : ICallback
{
    private readonly bool _higherIsBetter;

    /// <summary>Monitors <paramref name="monitor"/>; an improvement must beat the best by more than <paramref name="minDelta"/>.</summary>
    protected MonitoringCallback(string monitor, float minDelta)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(minDelta);
        _ = new EpochMetrics { Epoch = 0, Loss = 0 }.Get(monitor); // rejects unknown names now, not after an epoch
        Monitor = monitor;
        MinDelta = minDelta;
        _higherIsBetter = EpochMetrics.IsHigherBetter(monitor);
    }

    /// <summary>The metric's Keras name, e.g. "val_loss".</summary>
    public string Monitor { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public float MinDelta { get; }

    /// <summary>Best value seen so far (NaN before the first epoch).</summary>
    public float Best { get; private set; } = float.NaN;

    /// <summary>Epoch of <see cref="Best"/>, or -1.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <inheritdoc/>
    public virtual void OnTrainBegin(TrainingState state)
    {
        Best = float.NaN;
        BestEpoch = -1;
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingState state, EpochMetrics metrics)
    {
        float value = metrics.Get(Monitor);
        if (float.IsNaN(value))
        {
            throw new InvalidOperationException(
                $"{GetType().Name} monitors '{Monitor}', which is not available (NaN) after epoch {metrics.Epoch}. "
                + (Monitor.StartsWith("val_", StringComparison.Ordinal)
                    ? "Set FitOptions.ValidationSplit or FitOptions.ValidationData, or monitor a training metric."
                    : "Monitor a metric this kind of network reports (accuracy for classification, mae/rmse for regression)."));
        }
        bool improved = BestEpoch < 0 || (_higherIsBetter ? value > Best + MinDelta : value < Best - MinDelta);
        if (improved)
        {
            Best = value;
            BestEpoch = metrics.Epoch;
        }
        OnMonitoredEpoch(state, metrics, value, improved);
    }

    /// <summary>Called after every epoch with the monitored value and whether it improved on the best.</summary>
    protected abstract void OnMonitoredEpoch(TrainingState state, EpochMetrics metrics, float value, bool improved);

    /// <inheritdoc/>
    public virtual void OnTrainEnd(TrainingState state)
    {
    }
}

/// <summary>
/// Stops training when the monitored metric has not improved for <see cref="Patience"/> epochs (Keras EarlyStopping).
/// With restoreBestWeights, the weights of the best epoch are put back when training ends.
/// </summary>
public sealed class EarlyStopping : MonitoringCallback
{
    private float[]? _bestWeights;
    private int _wait;

    /// <summary>Creates the callback.</summary>
    /// <param name="monitor">Metric to watch, e.g. "val_loss" or "val_accuracy".</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="restoreBestWeights">Restore the best epoch's weights at the end of training.</param>
    public EarlyStopping(string monitor = "val_loss", int patience = 0, float minDelta = 0f, bool restoreBestWeights = false)
        : base(monitor, minDelta)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Whether the best weights are restored when training ends.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epoch after which training was stopped, or -1.</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingState state)
    {
        base.OnTrainBegin(state);
        _wait = 0;
        StoppedEpoch = -1;
        _bestWeights = RestoreBestWeights ? new float[state.Parameters.Length] : null;
    }

    /// <inheritdoc/>
    protected override void OnMonitoredEpoch(TrainingState state, EpochMetrics metrics, float value, bool improved)
    {
        if (improved)
        {
            _wait = 0;
            if (_bestWeights is not null)
            {
                state.Parameters.CopyTo(_bestWeights);
            }
            return;
        }
        if (++_wait >= Patience)
        {
            StoppedEpoch = metrics.Epoch;
            state.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingState state)
    {
        if (_bestWeights is not null && BestEpoch >= 0)
        {
            _bestWeights.CopyTo(state.Parameters);
        }
    }
}

/// <summary>Saves the weights to a safetensors file after each epoch, or only when the monitored metric improves.</summary>
public sealed class ModelCheckpoint : MonitoringCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="path">File to write (atomically replaced on each save).</param>
    /// <param name="monitor">Metric to watch, e.g. "val_accuracy".</param>
    /// <param name="saveBestOnly">Save only when the metric improves (otherwise after every epoch).</param>
    public ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = true)
        : base(monitor, 0f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        SaveBestOnly = saveBestOnly;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Number of saves made during the last Fit.</summary>
    public int SaveCount { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingState state)
    {
        base.OnTrainBegin(state);
        SaveCount = 0;
    }

    /// <inheritdoc/>
    protected override void OnMonitoredEpoch(TrainingState state, EpochMetrics metrics, float value, bool improved)
    {
        if (improved || !SaveBestOnly)
        {
            state.SaveWeights(Path);
            SaveCount++;
        }
    }
}
