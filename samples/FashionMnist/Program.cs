using System;
using System.IO;
using Spectre.Console;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Runtime;
using StaticNN.Training;

// Fashion-MNIST (60,000 + 10,000 28x28 clothing images, 10 classes) with a 784-128(ReLU)-10(Softmax) network:
// Adam 1e-3, batch 32, 5 epochs, one thread. Usage: dotnet run -c Release --project samples/FashionMnist [folder] [batch size]
const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
string folder = args.Length > 0 ? args[0] : DefaultFolder;
string[] files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
foreach (string file in files)
{
    if (!File.Exists(Path.Combine(folder, file)))
    {
        AnsiConsole.MarkupLine($"[red]Missing {Markup.Escape(Path.Combine(folder, file))}.[/]");
        AnsiConsole.MarkupLine($"Install the data set with [bold]sudo apt-get install dataset-fashion-mnist[/] (it goes to {DefaultFolder}),");
        AnsiConsole.MarkupLine("or pass the folder holding the four IDX files (raw or .gz) as the first argument.");
        return 2;
    }
}

Dataset train = IdxLoader.Load(Path.Combine(folder, files[0]), Path.Combine(folder, files[1]));
Dataset test = IdxLoader.Load(Path.Combine(folder, files[2]), Path.Combine(folder, files[3]));
AnsiConsole.MarkupLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images; kernels: [bold]{KernelPath.Description}[/]");

const int Epochs = 5;
int BatchSize = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 32;
var net = new FashionNet(seed: 1);
History history = null!;
AnsiConsole.Progress()
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
    .Start(context =>
    {
        var tasks = new ProgressTask[Epochs];
        for (int e = 0; e < Epochs; e++) tasks[e] = context.AddTask($"epoch {e + 1}/{Epochs}", autoStart: e == 0);
        history = net.Fit(train, new FitOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            Optimizer = new Adam(learningRate: 1e-3f),
            Seed = 1,
            Progress = p =>
            {
                ProgressTask task = tasks[p.Epoch];
                if (!task.IsStarted) task.StartTask();
                task.MaxValue = p.BatchCount;
                // Redrawing 60 times per second is plenty; the value update itself is cheap.
                task.Value = p.Batch;
                if (p.Metrics is { } m)
                {
                    task.Description = $"epoch {p.Epoch + 1}/{Epochs}  loss {m.Loss:F4}  accuracy {m.Accuracy:P1}";
                    task.StopTask();
                }
            },
        });
    });

EvaluationResult result = net.Evaluate(test);

var table = new Table().Title($"Training, batch {BatchSize}, one thread (seconds)").AddColumns("epoch", "loss", "accuracy", "s/epoch", "gradients", "optimizer", "batching", "metrics");
foreach (EpochMetrics e in history.Epochs)
{
    table.AddRow($"{e.Epoch + 1}", $"{e.Loss:F4}", $"{e.Accuracy:P2}", $"{e.TotalTime.TotalSeconds:F3}",
        $"{e.GradientTime.TotalSeconds:F3}", $"{e.OptimizerTime.TotalSeconds:F3}", $"{e.BatchingTime.TotalSeconds:F3}", $"{e.EvaluationTime.TotalSeconds:F3}");
}
AnsiConsole.Write(table);

string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
var classes = new Table().Title($"Test: loss {result.Loss:F4}, accuracy {result.Accuracy:P2}").AddColumns("class", "precision", "recall", "F1");
for (int c = 0; c < 10; c++)
{
    classes.AddRow(names[c], $"{result.PerClass[c].Precision:P1}", $"{result.PerClass[c].Recall:P1}", $"{result.PerClass[c].F1:F3}");
}
AnsiConsole.Write(classes);
return 0;

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class FashionNet;
