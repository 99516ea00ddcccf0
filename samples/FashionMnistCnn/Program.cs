using System;
using System.Globalization;
using Spectre.Console;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Runtime;
using StaticNN.Samples;
using StaticNN.Training;

// Fashion-MNIST with the convolutional network of Keras' and PyTorch's introductions (they reach about 0.91):
// two 3x3 convolutions with 2x2 max pools, Dense 128 with Dropout 0.5, Softmax over 10 classes; Adam 1e-3, batch 32,
// 5 epochs, one thread. Usage: dotnet run -c Release --project samples/FashionMnistCnn [folder] [batch size]
// [--epochs N] [--no-progress] [--json PATH]. The images are loaded as 784 values per sample, which is the
// channels-first (1, 28, 28) layout the network declares: a one-channel image needs no conversion.
TrainingRun? run = TrainingRun.Parse(args, defaultEpochs: 5, "FashionMnistCnn [folder] [batch size] [--epochs N] [--no-progress] [--json PATH]");
if (run is null)
{
    return 2;
}

string folder = run.Positional.Count > 0 ? run.Positional[0] : FashionMnistData.DefaultFolder;
if (!FashionMnistData.TryLoad(folder, out Dataset train, out Dataset test))
{
    return 2;
}

AnsiConsole.MarkupLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images; kernels: [bold]{KernelPath.Description}[/]");
AnsiConsole.MarkupLine($"FashionCnn: {FashionCnn.ParameterCount:N0} parameters, input {FashionCnn.InputShape}, output {FashionCnn.OutputShape}");
for (int i = 0; i < FashionCnn.LayerCount; i++)
{
    LayerInfo layer = FashionCnn.GetLayerInfo(i);
    AnsiConsole.MarkupLine(Markup.Escape($"  {i} {layer.Kind,-10} {layer.InputShape,-13} -> {layer.OutputShape,-13} {layer.WeightCount + layer.BiasCount,7:N0} parameters"));
}

int batchSize = run.Positional.Count > 1 ? int.Parse(run.Positional[1], CultureInfo.InvariantCulture) : 32;
var net = new FashionCnn(seed: 1);
History history = run.Fit(net, train, progress => new FitOptions
{
    Epochs = run.Epochs, BatchSize = batchSize, Optimizer = new Adam(learningRate: 1e-3f), Seed = 1, Progress = progress,
});
EvaluationResult result = net.Evaluate(test);

TrainingRun.PrintEpochs(history, $"Training, batch {batchSize}, one thread (seconds)");
TrainingRun.PrintClasses(result, FashionMnistData.ClassNames);
run.WriteJson("samples/FashionMnistCnn", "C1", train.Count, batchSize, history, result);

// Batch-1 inference after training, as an embedding application would call it.
float[] image = test.Features[..FashionCnn.InputSize].ToArray();
int predicted = net.PredictClass(image);
AnsiConsole.MarkupLine($"First test image: predicted [bold]{FashionMnistData.ClassNames[predicted]}[/], labelled {FashionMnistData.ClassNames[test.Labels[0]]}");
return 0;

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
public partial class FashionCnn;
