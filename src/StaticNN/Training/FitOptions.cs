using System;
using System.Collections.Generic;
using StaticNN.Data;
using StaticNN.Optimizers;

namespace StaticNN.Training;

/// <summary>Settings of <c>Fit</c>, named after Keras' <c>fit</c> arguments.</summary>
public sealed class FitOptions
{
    /// <summary>Number of passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per gradient step; the last partial batch is used. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The optimizer; its LearningRate is the base rate for <see cref="LearningRateSchedule"/>. Default Adam(1e-3).</summary>
    public IOptimizer Optimizer { get; init; } = new Adam();

    /// <summary>
    /// Fraction of the data held out for validation, taken from the end of the data before any shuffling (as Keras does).
    /// 0 (default) for none. Cannot be combined with <see cref="ValidationData"/>.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>A separate validation set, evaluated after every epoch.</summary>
    public Dataset? ValidationData { get; init; }

    /// <summary>Shuffle the training samples every epoch (seeded by <see cref="Seed"/> and the epoch). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the shuffling: same seed, same data, same network seed: bit-identical weights. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Optional per-epoch learning rate (the optimizer's rate at the start of Fit is the base rate).</summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>When set, gradients are scaled so their L2 norm is at most this value before each step.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Callbacks (early stopping, checkpoints...), called in order.</summary>
    public IList<ICallback> Callbacks { get; } = new List<ICallback>();

    /// <summary>Called after every batch and at the end of every epoch (the library prints nothing itself).</summary>
    public Action<TrainingProgress>? Progress { get; init; }
}

/// <summary>Progress of a running Fit, passed to <see cref="FitOptions.Progress"/>.</summary>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Epochs">Epochs requested.</param>
/// <param name="Batch">Batches completed in this epoch.</param>
/// <param name="BatchCount">Batches per epoch.</param>
/// <param name="Loss">Mean training loss of the epoch so far.</param>
/// <param name="Metrics">The epoch's metrics once it has ended (then Batch == BatchCount), else null.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int BatchCount, float Loss, EpochMetrics? Metrics);
