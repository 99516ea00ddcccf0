namespace StaticNN.Optimizers;

/// <summary>Whether <see cref="ReduceOnPlateau"/> watches a metric that should fall or rise (PyTorch's <c>mode</c>).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better, such as a loss (PyTorch's <c>mode='min'</c>).</summary>
    Min,

    /// <summary>Higher is better, such as an accuracy (PyTorch's <c>mode='max'</c>).</summary>
    Max,
}
