using System;

namespace StaticNN.Training;

/// <summary>Per-class figures of a classifier.</summary>
/// <param name="Precision">True positives / predicted positives (NaN when nothing was predicted as this class).</param>
/// <param name="Recall">True positives / actual positives (NaN when the class does not occur).</param>
/// <param name="F1">Harmonic mean of precision and recall.</param>
/// <param name="Support">Number of samples of this class.</param>
public readonly record struct ClassMetrics(float Precision, float Recall, float F1, int Support);

/// <summary>What <c>Evaluate</c> measured on a data set.</summary>
public sealed class EvaluationResult
{
    /// <summary>Number of samples.</summary>
    public required int Count { get; init; }

    /// <summary>Mean loss (the network's loss).</summary>
    public required float Loss { get; init; }

    /// <summary>Fraction classified correctly (NaN for regression).</summary>
    public float Accuracy { get; init; } = float.NaN;

    /// <summary>Mean absolute error over all outputs (NaN for classification).</summary>
    public float MeanAbsoluteError { get; init; } = float.NaN;

    /// <summary>Root mean squared error over all outputs (NaN for classification).</summary>
    public float RootMeanSquaredError { get; init; } = float.NaN;

    /// <summary>Confusion matrix [actual, predicted] for classification, else null.</summary>
    public int[,]? ConfusionMatrix { get; init; }

    /// <summary>Precision, recall, F1 and support per class for classification, else empty.</summary>
    public ClassMetrics[] PerClass { get; init; } = Array.Empty<ClassMetrics>();

    /// <summary>
    /// One line: <c>10,000 samples: loss 0.3412 - accuracy 0.8771</c> (the regression metrics for a regression); the
    /// per-class figures and the confusion matrix stay in <see cref="PerClass"/> and <see cref="ConfusionMatrix"/>.
    /// </summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Count:N0} samples: loss {Loss:0.0000}");
        text.AppendMeasured("accuracy", Accuracy).AppendMeasured("mae", MeanAbsoluteError).AppendMeasured("rmse", RootMeanSquaredError);
        return text.ToString();
    }
}
