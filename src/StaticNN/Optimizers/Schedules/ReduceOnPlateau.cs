using System;

namespace StaticNN.Optimizers;

/// <summary>
/// Reduces the learning rate when a watched metric (typically the validation loss) has stopped improving, with the
/// semantics of PyTorch's <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>. Unlike an
/// <see cref="ILearningRateSchedule"/> it depends on the metric history, so it is stateful: call
/// <see cref="Update"/> once per epoch with that epoch's metric.
/// </summary>
/// <remarks>
/// <para>Each <see cref="Update"/> does, in this order (<c>best</c> starts at +infinity for
/// <see cref="PlateauMode.Min"/> and -infinity for <see cref="PlateauMode.Max"/>):</para>
/// <code>
/// if metric improves on best (see PlateauThresholdMode):  best = metric; badEpochs = 0
/// else:                                                    badEpochs = badEpochs + 1
/// if cooldownCounter &gt; 0:                                  cooldownCounter = cooldownCounter - 1; badEpochs = 0
/// if badEpochs &gt; patience:
///     newLr = max(currentLearningRate * factor, minLearningRate)
///     if currentLearningRate - newLr &gt; epsilon:   the result is newLr (else currentLearningRate)
///     cooldownCounter = cooldown; badEpochs = 0
/// </code>
/// <para>
/// So the rate is reduced at the <c>patience + 1</c>-th consecutive epoch without improvement, and after a reduction
/// the next <c>cooldown</c> epochs are not counted as bad. The comparisons and the new rate are computed in
/// <see cref="double"/>; the new rate is rounded to <see cref="float"/>. A NaN metric never improves on
/// <c>best</c> (every comparison with NaN is false), so it counts as a bad epoch, as in PyTorch.
/// </para>
/// <para>
/// Typical use, once per epoch: <c>optimizer.LearningRate = plateau.Update(validationLoss, optimizer.LearningRate)</c>.
/// The result is never above <c>currentLearningRate</c>, never below <see cref="MinLearningRate"/>
/// unless the current rate already was, and greater than 0 whenever <see cref="MinLearningRate"/> is.
/// </para>
/// </remarks>
public sealed class ReduceOnPlateau
{
    private readonly PlateauMode _mode;
    private readonly float _factor;
    private readonly int _patience;
    private readonly float _threshold;
    private readonly PlateauThresholdMode _thresholdMode;
    private readonly int _cooldown;
    private readonly float _minLearningRate;
    private readonly float _epsilon;

    // PyTorch's best, num_bad_epochs and cooldown_counter.
    private float _best;
    private int _badEpochCount;
    private int _cooldownCounter;

    /// <summary>
    /// Creates a plateau detector. The arguments, their order and defaults follow
    /// <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>.
    /// </summary>
    /// <param name="mode">Whether lower (<see cref="PlateauMode.Min"/>) or higher (<see cref="PlateauMode.Max"/>) metrics are better.</param>
    /// <param name="factor">Factor by which the rate is multiplied at a reduction, in (0, 1).</param>
    /// <param name="patience">Number of epochs without improvement that are tolerated; the next one reduces the rate. At least 0.</param>
    /// <param name="threshold">
    /// Minimum change that counts as an improvement (see <paramref name="thresholdMode"/>); finite and at least 0, and
    /// below 1 in <see cref="PlateauThresholdMode.Relative"/> mode.
    /// </param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is relative to <c>best</c> or absolute.</param>
    /// <param name="cooldown">Number of epochs after a reduction during which bad epochs are not counted; at least 0.</param>
    /// <param name="minLearningRate">Lower bound of the rate; finite and at least 0.</param>
    /// <param name="epsilon">A reduction smaller than or equal to this is skipped (PyTorch's <c>eps</c>); finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range stated above.</exception>
    public ReduceOnPlateau(
        PlateauMode mode = PlateauMode.Min, float factor = 0.1f, int patience = 10, float threshold = 1e-4f,
        PlateauThresholdMode thresholdMode = PlateauThresholdMode.Relative, int cooldown = 0,
        float minLearningRate = 0f, float epsilon = 1e-8f)
    {
        if (mode is not (PlateauMode.Min or PlateauMode.Max))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be PlateauMode.Min or PlateauMode.Max.");
        }

        OptimizerGuard.ThrowIfNotInOpenUnitInterval(factor, nameof(factor), "factor");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        if (thresholdMode is not (PlateauThresholdMode.Relative or PlateauThresholdMode.Absolute))
        {
            throw new ArgumentOutOfRangeException(
                nameof(thresholdMode), thresholdMode, "thresholdMode must be PlateauThresholdMode.Relative or PlateauThresholdMode.Absolute.");
        }

        if (thresholdMode == PlateauThresholdMode.Relative)
        {
            OptimizerGuard.ThrowIfNotInUnitInterval(threshold, nameof(threshold), "A relative threshold");
        }
        else
        {
            OptimizerGuard.ThrowIfNegativeOrNotFinite(threshold, nameof(threshold), "An absolute threshold");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(minLearningRate, nameof(minLearningRate), "The minimum learning rate");
        OptimizerGuard.ThrowIfNegativeOrNotFinite(epsilon, nameof(epsilon), "epsilon");

        _mode = mode;
        _factor = factor;
        _patience = patience;
        _threshold = threshold;
        _thresholdMode = thresholdMode;
        _cooldown = cooldown;
        _minLearningRate = minLearningRate;
        _epsilon = epsilon;
        Reset();
    }

    /// <summary>Whether lower or higher metrics are better.</summary>
    public PlateauMode Mode => _mode;

    /// <summary>Factor by which the rate is multiplied at a reduction, in (0, 1).</summary>
    public float Factor => _factor;

    /// <summary>Number of epochs without improvement that are tolerated before the rate is reduced.</summary>
    public int Patience => _patience;

    /// <summary>Minimum change that counts as an improvement, interpreted according to <see cref="ThresholdMode"/>.</summary>
    public float Threshold => _threshold;

    /// <summary>Whether <see cref="Threshold"/> is relative to the best metric or absolute.</summary>
    public PlateauThresholdMode ThresholdMode => _thresholdMode;

    /// <summary>Number of epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown => _cooldown;

    /// <summary>Lower bound of the learning rate.</summary>
    public float MinLearningRate => _minLearningRate;

    /// <summary>A reduction smaller than or equal to this is skipped.</summary>
    public float Epsilon => _epsilon;

    /// <summary>
    /// The best metric seen since construction or the last <see cref="Reset"/>; +infinity
    /// (<see cref="PlateauMode.Min"/>) or -infinity (<see cref="PlateauMode.Max"/>) before the first
    /// <see cref="Update"/>.
    /// </summary>
    public float Best => _best;

    /// <summary>Number of consecutive epochs without improvement counted so far (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int BadEpochCount => _badEpochCount;

    /// <summary>Number of remaining cooldown epochs (PyTorch's <c>cooldown_counter</c>).</summary>
    public int CooldownCounter => _cooldownCounter;

    /// <summary>
    /// Records the metric of one epoch and returns the learning rate to use next: <paramref name="currentLearningRate"/>,
    /// or <c>max(currentLearningRate * factor, minLearningRate)</c> when this is the <c>patience + 1</c>-th
    /// consecutive epoch without improvement (outside cooldown) and the reduction exceeds <see cref="Epsilon"/>.
    /// See the class remarks for the exact rule. Does not allocate.
    /// </summary>
    /// <param name="metric">The watched metric of the epoch that just ended. NaN counts as no improvement.</param>
    /// <param name="currentLearningRate">The optimizer's current learning rate; finite and greater than 0.</param>
    /// <returns>The learning rate for the next epoch; at most <paramref name="currentLearningRate"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="currentLearningRate"/> is not finite or not greater than 0. The state is then unchanged.
    /// </exception>
    public float Update(float metric, float currentLearningRate)
    {
        OptimizerGuard.ThrowIfNotPositiveFinite(currentLearningRate, nameof(currentLearningRate), "The current learning rate");

        if (IsBetter(metric))
        {
            _best = metric;
            _badEpochCount = 0;
        }
        else
        {
            _badEpochCount++;
        }

        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _badEpochCount = 0; // Bad epochs during cooldown are ignored.
        }

        if (_badEpochCount <= _patience)
        {
            return currentLearningRate;
        }

        _cooldownCounter = _cooldown;
        _badEpochCount = 0;
        double current = currentLearningRate;
        double reduced = Math.Max(current * _factor, _minLearningRate);
        return current - reduced > _epsilon ? (float)reduced : currentLearningRate;
    }

    /// <summary>
    /// Forgets the metric history: <see cref="Best"/> goes back to the worst value for the mode, and the bad-epoch and
    /// cooldown counters to 0 (PyTorch's <c>_reset</c>). Keeps the settings. Does not allocate.
    /// </summary>
    public void Reset()
    {
        _best = _mode == PlateauMode.Min ? float.PositiveInfinity : float.NegativeInfinity;
        _badEpochCount = 0;
        _cooldownCounter = 0;
    }

    // PyTorch's is_better, in double.
    private bool IsBetter(float metric)
    {
        double a = metric, best = _best, threshold = _threshold;
        return (_mode, _thresholdMode) switch
        {
            (PlateauMode.Min, PlateauThresholdMode.Relative) => a < best * (1.0 - threshold),
            (PlateauMode.Min, _) => a < best - threshold,
            (_, PlateauThresholdMode.Relative) => a > best * (threshold + 1.0),
            _ => a > best + threshold,
        };
    }
}
