using System;

namespace StaticNN.Optimizers;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs, with the closed form of
/// PyTorch's <c>torch.optim.lr_scheduler.StepLR</c>:
/// <c>lr(epoch) = baseLearningRate * gamma^floor(epoch / stepSize)</c>.
/// </summary>
/// <remarks>
/// For example <c>new StepDecay(stepSize: 30, gamma: 0.1f)</c> gives the base rate for epochs 0 to 29, a tenth of it
/// for epochs 30 to 59, and so on. The power and product are computed in <see cref="double"/> and rounded to
/// <see cref="float"/> once. Immutable and stateless.
/// </remarks>
public sealed class StepDecay : ILearningRateSchedule
{
    private readonly int _stepSize;
    private readonly float _gamma;

    /// <summary>Creates a step-decay schedule.</summary>
    /// <param name="stepSize">Number of epochs between two decays; greater than 0.</param>
    /// <param name="gamma">
    /// Factor applied at each decay, in (0, 1]. (PyTorch accepts any value; a factor above 1 would grow the rate
    /// without bound and 0 would make it 0, which the optimizers reject.)
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated above.</exception>
    public StepDecay(int stepSize, float gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        OptimizerGuard.ThrowIfNotInOpenClosedUnitInterval(gamma, nameof(gamma), "gamma");
        _stepSize = stepSize;
        _gamma = gamma;
    }

    /// <summary>Number of epochs between two decays.</summary>
    public int StepSize => _stepSize;

    /// <summary>Factor applied at each decay, in (0, 1].</summary>
    public float Gamma => _gamma;

    /// <summary>
    /// Returns <c>baseLearningRate * gamma^floor(epoch / stepSize)</c>, computed in <see cref="double"/> and rounded
    /// to <see cref="float"/>. Does not allocate.
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
        return (float)(baseLearningRate * Math.Pow(_gamma, epoch / _stepSize));
    }
}
