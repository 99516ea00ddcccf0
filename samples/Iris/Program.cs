using System;
using System.Diagnostics;
using System.IO;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Runtime;
using StaticNN.Training;

// The classic Keras example, compiled: Iris (150 flowers, 4 measurements, 3 species), 4-10(ReLU)-3(Softmax),
// Adam, 50 epochs, batch 10, an 80/20 split, standardised features.
string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "iris.csv");
var stopwatch = Stopwatch.StartNew();

Dataset all = CsvLoader.Load(path, new CsvOptions { LabelColumn = "species" });
(Dataset train, Dataset test) = DatasetSplit.TrainTest(all, testFraction: 0.2, seed: 42, stratify: true);
var scaler = new StandardScaler();
train = scaler.FitTransform(train);   // statistics from the training set only
test = scaler.Transform(test);

var net = new IrisNet(seed: 1);
History history = net.Fit(train, new FitOptions
{
    Epochs = 50,
    BatchSize = 10,
    Optimizer = new Adam(learningRate: 0.01f),
    ValidationSplit = 0.2,
    Seed = 7,
});
EvaluationResult result = net.Evaluate(test);
stopwatch.Stop();

Console.WriteLine($"Iris: {train.Count} training and {test.Count} test samples, classes {string.Join(", ", all.ClassNames!)}");
Console.WriteLine($"Kernel path: {KernelPath.Description}");
Console.WriteLine();
Console.WriteLine("epoch   loss    accuracy  val_loss  val_accuracy");
foreach (EpochMetrics epoch in history.Epochs)
{
    if (epoch.Epoch % 10 == 9 || epoch.Epoch == 0)
    {
        Console.WriteLine($"{epoch.Epoch + 1,5}  {epoch.Loss,6:F4}  {epoch.Accuracy,8:P1}  {epoch.ValidationLoss,8:F4}  {epoch.ValidationAccuracy,12:P1}");
    }
}
Console.WriteLine();
Console.WriteLine($"Test loss {result.Loss:F4}, test accuracy {result.Accuracy:P1}");
Console.WriteLine("Confusion matrix (rows: actual, columns: predicted):");
for (int actual = 0; actual < 3; actual++)
{
    Console.Write($"  {all.ClassNames![actual],-11}");
    for (int predicted = 0; predicted < 3; predicted++) Console.Write($"{result.ConfusionMatrix![actual, predicted],4}");
    Console.WriteLine();
}
Console.WriteLine($"Time: {stopwatch.Elapsed.TotalMilliseconds:F0} ms (load, scale, train 50 epochs, evaluate)");
return result.Accuracy >= 0.93f ? 0 : 1;

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public partial class IrisNet;
