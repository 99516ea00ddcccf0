namespace StaticNN.Optimizers;

/// <summary>How <see cref="ReduceOnPlateau"/> applies its threshold (PyTorch's <c>threshold_mode</c>).</summary>
public enum PlateauThresholdMode
{
    /// <summary>
    /// Relative (PyTorch's <c>'rel'</c>): a metric improves on <c>best</c> when it is below
    /// <c>best * (1 - threshold)</c> (<see cref="PlateauMode.Min"/>) or above <c>best * (1 + threshold)</c>
    /// (<see cref="PlateauMode.Max"/>).
    /// </summary>
    Relative,

    /// <summary>
    /// Absolute (PyTorch's <c>'abs'</c>): a metric improves on <c>best</c> when it is below <c>best - threshold</c>
    /// (<see cref="PlateauMode.Min"/>) or above <c>best + threshold</c> (<see cref="PlateauMode.Max"/>).
    /// </summary>
    Absolute,
}
