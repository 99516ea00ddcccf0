using System;

namespace StaticNN.Training;

/// <summary>
/// Training produced a NaN or infinite loss (or parameters). The network's parameters have been restored to their values
/// at the start of the epoch in which it happened, which were finite.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a batch of an epoch.</summary>
    public TrainingDivergedException(int epoch, int batch, float loss)
        : base($"Training diverged at epoch {epoch}, batch {batch}: the loss is {loss}. The parameters were restored to their values at the start of epoch {epoch}. Try a lower learning rate, gradient clipping (FitOptions.ClipGradientNorm) or scaled inputs.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>Zero-based epoch in which the loss became non-finite.</summary>
    public int Epoch { get; }

    /// <summary>Zero-based batch within the epoch.</summary>
    public int Batch { get; }

    /// <summary>The non-finite loss.</summary>
    public float Loss { get; }
}
