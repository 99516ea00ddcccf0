using System;
using StaticNN.Data;

namespace StaticNN.Training;

/// <summary>
/// Accumulates loss and metrics over batches from the outputs of the training passes (CopyLastBatchOutputs), so metrics
/// cost no extra forward pass. Classification when the loss is a cross-entropy or the data has labels; regression otherwise.
/// </summary>
internal sealed class MetricAccumulator<TNet> where TNet : class, ITrainableNetwork<TNet>
{
    private readonly float[] _outputs;
    private readonly bool _classification;
    private readonly float _threshold;
    private readonly int[,]? _confusion;
    private double _lossSum, _absSum, _squareSum;
    private long _count, _correct;

    // rows: the largest batch it will see, min(batch size, samples), checked by the caller to fit one array.
    public MetricAccumulator(int rows, bool labelled, bool detailed)
    {
        _outputs = new float[rows * TNet.OutputSize];
        _classification = labelled || TNet.Loss is Loss.CrossEntropy or Loss.BinaryCrossEntropy;
        _threshold = TNet.GetLayerInfo(TNet.LayerCount - 1).Activation == Activation.Sigmoid ? 0.5f : 0f;
        int classes = TNet.OutputSize == 1 ? 2 : TNet.OutputSize;
        _confusion = detailed ? new int[classes, classes] : null;
    }

    public float MeanLoss => _count == 0 ? float.NaN : (float)(_lossSum / _count);

    public void Reset()
    {
        _lossSum = _absSum = _squareSum = 0;
        _count = _correct = 0;
        if (_confusion is not null) Array.Clear(_confusion);
    }

    public void AddBatch(TNet network, float loss, Batch batch)
    {
        int outputs = TNet.OutputSize;
        int count = network.CopyLastBatchOutputs(_outputs.AsSpan(0, batch.Count * outputs));
        _lossSum += (double)loss * count;
        _count += count;
        for (int m = 0; m < count; m++)
        {
            ReadOnlySpan<float> y = _outputs.AsSpan(m * outputs, outputs);
            if (_classification)
            {
                int actual = batch.Labels.Length > 0 ? batch.Labels[m] : ClassOf(batch.Targets.Slice(m * outputs, outputs), 0.5f);
                int predicted = ClassOf(y, _threshold);
                _correct += actual == predicted ? 1 : 0;
                if (_confusion is not null) _confusion[actual, predicted]++;
            }
            else
            {
                ReadOnlySpan<float> t = batch.Targets.Slice(m * outputs, outputs);
                for (int j = 0; j < outputs; j++)
                {
                    double error = y[j] - t[j];
                    _absSum += Math.Abs(error);
                    _squareSum += error * error;
                }
            }
        }
    }

    private static int ClassOf(ReadOnlySpan<float> row, float threshold) =>
        row.Length == 1 ? (row[0] > threshold ? 1 : 0) : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);

    public EpochMetrics ToEpochMetrics(int epoch, float learningRate)
    {
        (float accuracy, float mae, float rmse) = Figures();
        return new EpochMetrics { Epoch = epoch, Loss = MeanLoss, Accuracy = accuracy, MeanAbsoluteError = mae, RootMeanSquaredError = rmse, LearningRate = learningRate };
    }

    public EvaluationResult ToEvaluationResult()
    {
        (float accuracy, float mae, float rmse) = Figures();
        ClassMetrics[] perClass = Array.Empty<ClassMetrics>();
        if (_confusion is not null && !float.IsNaN(accuracy))
        {
            int classes = _confusion.GetLength(0);
            perClass = new ClassMetrics[classes];
            for (int c = 0; c < classes; c++)
            {
                int truePositives = _confusion[c, c], predicted = 0, actual = 0;
                for (int k = 0; k < classes; k++)
                {
                    predicted += _confusion[k, c];
                    actual += _confusion[c, k];
                }
                float precision = predicted == 0 ? float.NaN : (float)truePositives / predicted;
                float recall = actual == 0 ? float.NaN : (float)truePositives / actual;
                float f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : (float.IsNaN(precision) || float.IsNaN(recall) ? float.NaN : 0f);
                perClass[c] = new ClassMetrics(precision, recall, f1, actual);
            }
        }
        return new EvaluationResult
        {
            Count = (int)_count,
            Loss = MeanLoss,
            Accuracy = accuracy,
            MeanAbsoluteError = mae,
            RootMeanSquaredError = rmse,
            ConfusionMatrix = float.IsNaN(accuracy) ? null : _confusion,
            PerClass = perClass,
        };
    }

    private (float Accuracy, float Mae, float Rmse) Figures()
    {
        if (_count == 0) return (float.NaN, float.NaN, float.NaN);
        if (_classification)
        {
            return ((float)((double)_correct / _count), float.NaN, float.NaN);
        }
        double n = (double)_count * TNet.OutputSize;
        return (float.NaN, (float)(_absSum / n), (float)Math.Sqrt(_squareSum / n));
    }
}
