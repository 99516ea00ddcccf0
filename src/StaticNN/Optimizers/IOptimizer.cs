using System;

namespace StaticNN.Optimizers;

/// <summary>
/// A first-order optimizer that updates a flat block of parameters in place from a gradient of the same length
/// (for a generated network: <c>network.Parameters</c> and the gradient written by <c>ComputeGradients</c>).
/// </summary>
/// <remarks>
/// An optimizer keeps per-parameter state (momentum buffers, moment estimates, a step count), so use one optimizer
/// per parameter block. The state is allocated by the first <see cref="Step"/>, which binds the optimizer to that
/// length; later steps do not allocate. Call <see cref="Reset"/> to forget the state, for example before training
/// from scratch again.
/// </remarks>
public interface IOptimizer
{
    /// <summary>
    /// The learning rate used by the next <see cref="Step"/>. May be changed between steps (learning-rate schedules).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite or not greater than 0.</exception>
    float LearningRate { get; set; }

    /// <summary>
    /// Applies one update to <paramref name="parameters"/> in place, using <paramref name="gradients"/> (the gradient
    /// of the loss with respect to each parameter). Does not allocate. (The first call allocates the optimizer state
    /// once; after <see cref="Reset"/> the state is reused if the length is the same.)
    /// </summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradients">The gradients, one per parameter. Not modified.</param>
    /// <exception cref="ArgumentException">The two spans have different lengths.</exception>
    /// <exception cref="InvalidOperationException">
    /// The length differs from the length of the first step since construction or the last <see cref="Reset"/>.
    /// </exception>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>
    /// Clears the internal state (momentum buffers, moment estimates, step count) and unbinds the parameter length,
    /// so the next <see cref="Step"/> behaves like the first step of a new optimizer with the same settings.
    /// Keeps the current <see cref="LearningRate"/>. Does not allocate.
    /// </summary>
    void Reset();
}
