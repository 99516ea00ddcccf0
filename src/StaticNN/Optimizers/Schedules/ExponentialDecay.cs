using System;

namespace StaticNN.Optimizers;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every epoch, with the closed form of PyTorch's
/// <c>torch.optim.lr_scheduler.ExponentialLR</c>: <c>lr(epoch) = baseLearningRate * gamma^epoch</c>.
/// </summary>
/// <remarks>
/// The power and product are computed in <see cref="double"/> and rounded to <see cref="float"/> once (so the rate
/// does not drift the way repeated float multiplication would). Immutable and stateless.
/// </remarks>
public sealed class ExponentialDecay : ILearningRateSchedule
{
    private readonly float _gamma;

    /// <summary>Creates an exponential-decay schedule.</summary>
    /// <param name="gamma">
    /// Factor applied every epoch, in (0, 1]. (PyTorch accepts any value; a factor above 1 would grow the rate
    /// without bound and 0 would make it 0, which the optimizers reject.)
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is not in (0, 1].</exception>
    public ExponentialDecay(float gamma)
    {
        OptimizerGuard.ThrowIfNotInOpenClosedUnitInterval(gamma, nameof(gamma), "gamma");
        _gamma = gamma;
    }

    /// <summary>Factor applied every epoch, in (0, 1].</summary>
    public float Gamma => _gamma;

    /// <summary>
    /// Returns <c>baseLearningRate * gamma^epoch</c>, computed in <see cref="double"/> and rounded to
    /// <see cref="float"/>. Does not allocate.
    /// </summary>
    /// <param name="epoch">The 0-based epoch number; at least 0.</param>
    /// <param name="baseLearningRate">The learning rate at epoch 0; finite and greater than 0.</param>
    /// <returns>The learning rate for <paramref name="epoch"/>, in [0, <paramref name="baseLearningRate"/>].</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="epoch"/> is negative, or <paramref name="baseLearningRate"/> is not finite or not greater than 0.
    /// </exception>
    public float GetLearningRate(int epoch, float baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        OptimizerGuard.ThrowIfNotPositiveFinite(baseLearningRate, nameof(baseLearningRate), "The base learning rate");
        return (float)(baseLearningRate * Math.Pow(_gamma, epoch));
    }
}
