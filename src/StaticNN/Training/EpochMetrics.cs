using System;
using System.Globalization;

namespace StaticNN.Training;

/// <summary>What one epoch measured. Classification figures are NaN for regression and the other way round.</summary>
public sealed record EpochMetrics
{
    /// <summary>Zero-based epoch index.</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean training loss over the epoch's samples (batches weighted by size).</summary>
    public required float Loss { get; init; }

    /// <summary>Training accuracy from the outputs of the training passes (as Keras reports it), or NaN.</summary>
    public float Accuracy { get; init; } = float.NaN;

    /// <summary>Training mean absolute error (regression), or NaN.</summary>
    public float MeanAbsoluteError { get; init; } = float.NaN;

    /// <summary>Training root mean squared error (regression), or NaN.</summary>
    public float RootMeanSquaredError { get; init; } = float.NaN;

    /// <summary>Validation loss, or NaN without validation data.</summary>
    public float ValidationLoss { get; init; } = float.NaN;

    /// <summary>Validation accuracy, or NaN.</summary>
    public float ValidationAccuracy { get; init; } = float.NaN;

    /// <summary>Validation mean absolute error, or NaN.</summary>
    public float ValidationMeanAbsoluteError { get; init; } = float.NaN;

    /// <summary>Validation root mean squared error, or NaN.</summary>
    public float ValidationRootMeanSquaredError { get; init; } = float.NaN;

    /// <summary>Learning rate used during the epoch.</summary>
    public float LearningRate { get; init; }

    /// <summary>Time spent in ComputeGradients (forward + backward).</summary>
    public TimeSpan GradientTime { get; init; }

    /// <summary>Time spent in the optimizer (and gradient clipping).</summary>
    public TimeSpan OptimizerTime { get; init; }

    /// <summary>Time spent filling batches.</summary>
    public TimeSpan BatchingTime { get; init; }

    /// <summary>Time spent on metrics and validation.</summary>
    public TimeSpan EvaluationTime { get; init; }

    /// <summary>Wall time of the whole epoch.</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary>
    /// A metric by its Keras name: <c>loss</c>, <c>accuracy</c>, <c>mae</c>, <c>rmse</c>, and the same with a <c>val_</c>
    /// prefix; <c>lr</c> for the learning rate.
    /// </summary>
    public float Get(string name) => name switch
    {
        "loss" => Loss,
        "accuracy" or "acc" => Accuracy,
        "mae" => MeanAbsoluteError,
        "rmse" => RootMeanSquaredError,
        "val_loss" => ValidationLoss,
        "val_accuracy" or "val_acc" => ValidationAccuracy,
        "val_mae" => ValidationMeanAbsoluteError,
        "val_rmse" => ValidationRootMeanSquaredError,
        "lr" => LearningRate,
        _ => throw new ArgumentException(
            $"Unknown metric '{name}'. Known: loss, accuracy, mae, rmse, val_loss, val_accuracy, val_mae, val_rmse, lr.", nameof(name)),
    };

    /// <summary>Whether a larger value of <paramref name="name"/> is better (accuracy) or a smaller one (losses, errors).</summary>
    public static bool IsHigherBetter(string name) => name is "accuracy" or "acc" or "val_accuracy" or "val_acc";

    /// <summary>
    /// One line as Keras prints an epoch, numbered from 1 as Keras does (<see cref="Epoch"/> + 1): <c>epoch 3: loss 0.3412 - accuracy 0.8771 - val_loss 0.3590 - val_accuracy
    /// 0.8702 - lr 0.001 (0.20 s)</c>; metrics that were not measured (NaN) are left out.
    /// </summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"epoch {Epoch + 1}: loss {Loss:0.0000}");
        text.AppendMeasured("accuracy", Accuracy)
            .AppendMeasured("mae", MeanAbsoluteError)
            .AppendMeasured("rmse", RootMeanSquaredError)
            .AppendMeasured("val_loss", ValidationLoss)
            .AppendMeasured("val_accuracy", ValidationAccuracy)
            .AppendMeasured("val_mae", ValidationMeanAbsoluteError)
            .AppendMeasured("val_rmse", ValidationRootMeanSquaredError);
        if (LearningRate > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" - lr {LearningRate:G4}");
        }
        if (TotalTime > TimeSpan.Zero)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({TotalTime.TotalSeconds:0.00} s)");
        }
        return text.ToString();
    }
}
