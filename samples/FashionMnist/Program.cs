using System.Globalization;
using Spectre.Console;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Runtime;
using StaticNN.Samples;
using StaticNN.Training;

// Fashion-MNIST (60,000 + 10,000 28x28 clothing images, 10 classes) with a 784-128(ReLU)-10(Softmax) network:
// Adam 1e-3, batch 32, 5 epochs, one thread. Usage: dotnet run -c Release --project samples/FashionMnist [folder] [batch size]
// Options for the benchmark runner (benchmarks/run-all.sh): --epochs N, --no-progress (no live progress bar, so no
// per-batch callback; the tables below still follow), --json PATH (the figures as JSON, in the format of
// benchmarks/peers/pytorch_bench.py).
TrainingRun? run = TrainingRun.Parse(args, defaultEpochs: 5, "FashionMnist [folder] [batch size] [--epochs N] [--no-progress] [--json PATH]");
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
int batchSize = run.Positional.Count > 1 ? int.Parse(run.Positional[1], CultureInfo.InvariantCulture) : 32;
var net = new FashionNet(seed: 1);
History history = run.Fit(net, train, progress => new FitOptions
{
    Epochs = run.Epochs, BatchSize = batchSize, Optimizer = new Adam(learningRate: 1e-3f), Seed = 1, Progress = progress,
});
EvaluationResult result = net.Evaluate(test);

TrainingRun.PrintEpochs(history, $"Training, batch {batchSize}, one thread (seconds)");
TrainingRun.PrintClasses(result, FashionMnistData.ClassNames);
run.WriteJson("samples/FashionMnist", "S3", train.Count, batchSize, history, result);
return 0;

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class FashionNet;
