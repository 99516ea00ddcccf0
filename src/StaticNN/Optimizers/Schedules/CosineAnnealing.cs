using System;

namespace StaticNN.Optimizers;

/// <summary>
/// Cosine annealing from the base learning rate down to <see cref="MinLearningRate"/> over
/// <see cref="MaxEpochs"/> epochs, with the closed form of PyTorch's
/// <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> (<c>T_max = maxEpochs</c>, <c>eta_min = minLearningRate</c>):
/// <c>lr(epoch) = min + (baseLearningRate - min) * (1 + cos(pi * epoch / maxEpochs)) / 2</c>.
/// </summary>
/// <remarks>
/// <para>
/// The rate is the base rate at epoch 0 and reaches <see cref="MinLearningRate"/> exactly at
/// <c>epoch = maxEpochs</c>. Training for <c>maxEpochs</c> epochs (numbered 0 to <c>maxEpochs - 1</c>) therefore
/// never uses the minimum itself, which matters when it is 0: <see cref="IOptimizer.LearningRate"/> rejects 0.
/// </para>
/// <para>
/// Like PyTorch's closed form, the formula is not clamped: past <c>maxEpochs</c> the rate rises again along the
/// cosine and is periodic with period <c>2 * maxEpochs</c> (it is the base rate again at <c>2 * maxEpochs</c>).
/// There are no warm restarts (that is <c>CosineAnnealingWarmRestarts</c>). Computed in <see cref="double"/> and
/// rounded to <see cref="float"/> once. Immutable and stateless.
/// </para>
/// </remarks>
public sealed class CosineAnnealing : ILearningRateSchedule
{
    private readonly int _maxEpochs;
    private readonly float _minLearningRate;

    /// <summary>Creates a cosine-annealing schedule.</summary>
    /// <param name="maxEpochs">Number of epochs from the base rate down to the minimum (PyTorch's <c>T_max</c>); greater than 0.</param>
    /// <param name="minLearningRate">The rate reached at <paramref name="maxEpochs"/> (PyTorch's <c>eta_min</c>); finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated above.</exception>
    public CosineAnnealing(int maxEpochs, float minLearningRate = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(minLearningRate, nameof(minLearningRate), "The minimum learning rate");
        _maxEpochs = maxEpochs;
        _minLearningRate = minLearningRate;
    }

    /// <summary>Number of epochs from the base rate down to the minimum (PyTorch's <c>T_max</c>).</summary>
    public int MaxEpochs => _maxEpochs;

    /// <summary>The rate reached at <see cref="MaxEpochs"/> (PyTorch's <c>eta_min</c>).</summary>
    public float MinLearningRate => _minLearningRate;

    /// <summary>
    /// Returns <c>min + (baseLearningRate - min) * (1 + cos(pi * epoch / maxEpochs)) / 2</c>, computed in
    /// <see cref="double"/> and rounded to <see cref="float"/>. Does not allocate.
    /// </summary>
    /// <param name="epoch">The 0-based epoch number; at least 0.</param>
    /// <param name="baseLearningRate">The learning rate at epoch 0; finite and greater than 0.</param>
    /// <returns>
    /// The learning rate for <paramref name="epoch"/>, between <see cref="MinLearningRate"/> and
    /// <paramref name="baseLearningRate"/> (inclusive).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="epoch"/> is negative, or <paramref name="baseLearningRate"/> is not finite or not greater than 0.
    /// </exception>
    public float GetLearningRate(int epoch, float baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        OptimizerGuard.ThrowIfNotPositiveFinite(baseLearningRate, nameof(baseLearningRate), "The base learning rate");
        double min = _minLearningRate;
        double cosine = Math.Cos(Math.PI * epoch / _maxEpochs);
        return (float)(min + (baseLearningRate - min) * (1.0 + cosine) / 2.0);
    }
}
