using System;

namespace StaticNN.Optimizers;

/// <summary>
/// A learning-rate schedule given in closed form: the learning rate of an epoch as a function of the epoch number and
/// the base (initial) learning rate, like PyTorch's <c>torch.optim.lr_scheduler</c> closed forms with
/// <c>last_epoch = epoch</c>. Schedules hold no state, so one instance can serve several optimizers and training runs.
/// </summary>
/// <remarks>
/// Typical use: remember <c>baseLearningRate = optimizer.LearningRate</c> before training, then at the start of each
/// epoch set <c>optimizer.LearningRate = schedule.GetLearningRate(epoch, baseLearningRate)</c>. The value is computed
/// in <see cref="double"/> and rounded to <see cref="float"/>. It is finite and at least 0, but it can be 0 (for
/// example <see cref="CosineAnnealing"/> with a minimum of 0 at the end of its cycle, or a decay so long that it
/// underflows <see cref="float"/>), which <see cref="IOptimizer.LearningRate"/> rejects; choose the schedule so
/// that the epochs you train on get a positive rate.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>
    /// Returns the learning rate for <paramref name="epoch"/> (0-based; epoch 0 is the first epoch, PyTorch's
    /// <c>last_epoch</c>). Does not allocate.
    /// </summary>
    /// <param name="epoch">The 0-based epoch number; at least 0.</param>
    /// <param name="baseLearningRate">The learning rate at epoch 0; finite and greater than 0.</param>
    /// <returns>The learning rate for <paramref name="epoch"/>; finite and at least 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="epoch"/> is negative, or <paramref name="baseLearningRate"/> is not finite or not greater than 0.
    /// </exception>
    float GetLearningRate(int epoch, float baseLearningRate);
}
