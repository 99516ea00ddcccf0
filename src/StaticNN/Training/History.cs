using System.Collections.Generic;
using System.Linq;

namespace StaticNN.Training;

/// <summary>Per-epoch metrics of a <c>Fit</c> call, for training and validation.</summary>
public sealed class History
{
    private readonly List<EpochMetrics> _epochs = new();

    /// <summary>Metrics of every completed epoch, in order.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>Whether a callback (e.g. early stopping) ended training before the requested epochs.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>One metric across epochs, by its Keras name (see <see cref="EpochMetrics.Get"/>).</summary>
    public float[] this[string metric] => _epochs.Select(e => e.Get(metric)).ToArray();

    internal void Add(EpochMetrics metrics) => _epochs.Add(metrics);

    /// <summary>One line per epoch (as <see cref="EpochMetrics.ToString"/>), then whether early stopping ended the run.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        foreach (EpochMetrics epoch in _epochs)
        {
            text.AppendLine(epoch.ToString());
        }
        text.Append(_epochs.Count == 0 ? "no epochs" : StoppedEarly ? $"stopped early after epoch {_epochs[^1].Epoch + 1}" : $"{_epochs.Count} epochs");
        return text.ToString();
    }
}
