using System;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Training;

// Regression: learn y = sin(2x) + 0.3x from 1,000 noisy samples (Gaussian noise, sd 0.1) on [-3, 3] with a
// 1-32(Tanh)-32(Tanh)-1 network and mean squared error, then compare predictions with the noise-free function.
const int Count = 1000;
var random = new Random(42);
var x = new float[Count];
var y = new float[Count];
for (int i = 0; i < Count; i++)
{
    x[i] = (float)(random.NextDouble() * 6 - 3);
    double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.1;
    y[i] = (float)(Truth(x[i]) + noise);
}
(Dataset train, Dataset test) = DatasetSplit.TrainTest(new Dataset(x, 1, y, 1), testFraction: 0.2, seed: 1);

var net = new CurveNet(seed: 3);
History history = net.Fit(train, new FitOptions
{
    Epochs = 200,
    BatchSize = 32,
    Optimizer = new Adam(learningRate: 3e-3f),
    LearningRateSchedule = new CosineAnnealing(maxEpochs: 200, minLearningRate: 1e-4f),
    ValidationSplit = 0.1,
    Seed = 2,
});
EvaluationResult result = net.Evaluate(test);

Console.WriteLine($"Trained {history.Epochs.Count} epochs: train MSE {history.Epochs[^1].Loss:F4}, validation RMSE {history.Epochs[^1].ValidationRootMeanSquaredError:F4}");
Console.WriteLine($"Test: MSE {result.Loss:F4}, RMSE {result.RootMeanSquaredError:F4}, MAE {result.MeanAbsoluteError:F4} (the noise alone has RMSE 0.1)");
Console.WriteLine();
Console.WriteLine("     x   sin(2x)+0.3x   prediction   error");
Span<float> prediction = stackalloc float[1];
for (float v = -3f; v <= 3.001f; v += 0.5f)
{
    net.Predict([v], prediction);
    Console.WriteLine($"{v,6:F2}   {Truth(v),12:F4}   {prediction[0],10:F4}   {prediction[0] - Truth(v),6:F3}");
}
return result.RootMeanSquaredError < 0.15f ? 0 : 1;

static double Truth(double x) => Math.Sin(2 * x) + 0.3 * x;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Dense(32, Activation.Tanh)]
[Dense(32, Activation.Tanh)]
[Dense(1)]
public partial class CurveNet;
