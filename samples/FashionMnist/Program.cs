using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Spectre.Console;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Runtime;
using StaticNN.Training;

// Fashion-MNIST (60,000 + 10,000 28x28 clothing images, 10 classes) with a 784-128(ReLU)-10(Softmax) network:
// Adam 1e-3, batch 32, 5 epochs, one thread. Usage: dotnet run -c Release --project samples/FashionMnist [folder] [batch size]
// Options for the benchmark runner (benchmarks/run-all.sh): --epochs N, --no-progress (no live progress bar, so no
// per-batch callback; the tables below still follow), --json PATH (the figures as JSON, in the format of
// benchmarks/peers/pytorch_bench.py).
const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
var positional = new List<string>();
int Epochs = 5;
bool showProgress = true;
string? jsonPath = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out Epochs) && Epochs > 0:
            i++;
            break;
        case "--no-progress":
            showProgress = false;
            break;
        case "--json" when i + 1 < args.Length:
            jsonPath = args[++i];
            break;
        case string option when option.StartsWith("--", StringComparison.Ordinal):
            Console.Error.WriteLine($"Unknown or invalid option '{option}'. Usage: FashionMnist [folder] [batch size] [--epochs N] [--no-progress] [--json PATH]");
            return 2;
        default:
            positional.Add(args[i]);
            break;
    }
}

string folder = positional.Count > 0 ? positional[0] : DefaultFolder;
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

int BatchSize = positional.Count > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 32;
var net = new FashionNet(seed: 1);
History history = null!;
if (showProgress)
{
    AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            var tasks = new ProgressTask[Epochs];
            for (int e = 0; e < Epochs; e++) tasks[e] = context.AddTask($"epoch {e + 1}/{Epochs}", autoStart: e == 0);
            history = net.Fit(train, TrainingOptions(p =>
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
            }));
        });
}
else
{
    history = net.Fit(train, TrainingOptions(progress: null));
}

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

if (jsonPath is not null)
{
    WriteJson(jsonPath, train.Count, BatchSize, history, result);
    Console.WriteLine($"wrote {jsonPath}");
}

return 0;

FitOptions TrainingOptions(Action<TrainingProgress>? progress) =>
    new() { Epochs = Epochs, BatchSize = BatchSize, Optimizer = new Adam(learningRate: 1e-3f), Seed = 1, Progress = progress };

// The run in the JSON format of benchmarks/peers/pytorch_bench.py's "training" entries, for benchmarks/run-all.sh.
static void WriteJson(string path, int samples, int batchSize, History history, EvaluationResult test)
{
    string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
    if (parent is not null) Directory.CreateDirectory(parent);
    double[] seconds = history.Epochs.Select(e => e.TotalTime.TotalSeconds).ToArray();
    double[] sorted = seconds.Order().ToArray();
    double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    using FileStream stream = File.Create(path);
    using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
    w.WriteStartObject();
    w.WriteString("system", "StaticNN");
    w.WriteString("tool", "samples/FashionMnist");
    w.WriteString("date_utc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
    w.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    w.WriteString("kernel_path", KernelPath.Description);
    w.WriteStartArray("training");
    w.WriteStartObject();
    w.WriteString("shape", "S3");
    w.WriteNumber("batch", batchSize);
    w.WriteNumber("threads", 1);
    w.WriteNumber("epochs", history.Epochs.Count);
    WriteArray(w, "epoch_seconds", seconds);
    w.WriteNumber("median_epoch_seconds", median);
    w.WriteNumber("samples_per_second", samples / median);
    WriteArray(w, "train_loss", history.Epochs.Select(e => (double)e.Loss));
    WriteArray(w, "train_accuracy", history.Epochs.Select(e => (double)e.Accuracy));
    WriteArray(w, "gradient_seconds", history.Epochs.Select(e => e.GradientTime.TotalSeconds));
    WriteArray(w, "optimizer_seconds", history.Epochs.Select(e => e.OptimizerTime.TotalSeconds));
    WriteArray(w, "batching_seconds", history.Epochs.Select(e => e.BatchingTime.TotalSeconds));
    WriteArray(w, "metrics_seconds", history.Epochs.Select(e => e.EvaluationTime.TotalSeconds));
    w.WriteNumber("test_loss", test.Loss);
    w.WriteNumber("test_accuracy", test.Accuracy);
    w.WriteEndObject();
    w.WriteEndArray();
    w.WriteEndObject();
}

static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<double> values)
{
    w.WriteStartArray(name);
    foreach (double value in values) w.WriteNumberValue(value);
    w.WriteEndArray();
}

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class FashionNet;
