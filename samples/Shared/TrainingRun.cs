using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Spectre.Console;
using StaticNN.Data;
using StaticNN.Runtime;
using StaticNN.Training;

namespace StaticNN.Samples;

/// <summary>
/// What the image samples share (FashionMnist, FashionMnistCnn, Digits): their command-line options, the live progress
/// display of <c>Fit</c>, the per-epoch and per-class tables, and the JSON that <c>benchmarks/run-all.sh</c> reads
/// (the format of <c>benchmarks/peers/pytorch_bench.py</c>'s "training" entries). Linked into each sample's project.
/// </summary>
internal sealed class TrainingRun
{
    private TrainingRun(List<string> positional, int epochs, bool showProgress, string? jsonPath)
    {
        Positional = positional;
        Epochs = epochs;
        ShowProgress = showProgress;
        JsonPath = jsonPath;
    }

    /// <summary>The arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positional { get; }

    public int Epochs { get; }

    /// <summary>False with <c>--no-progress</c>: no live progress bar, so no per-batch callback; the tables still follow.</summary>
    public bool ShowProgress { get; }

    /// <summary><c>--json PATH</c>: where to write the run's figures, or null.</summary>
    public string? JsonPath { get; }

    /// <summary>
    /// Parses <c>--epochs N</c>, <c>--no-progress</c> and <c>--json PATH</c>; everything else not starting with "--" is
    /// positional. Returns null (after printing <paramref name="usage"/>) on an unknown or invalid option.
    /// </summary>
    public static TrainingRun? Parse(string[] args, int defaultEpochs, string usage)
    {
        var positional = new List<string>();
        int epochs = defaultEpochs;
        bool showProgress = true;
        string? jsonPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out epochs) && epochs > 0:
                    i++;
                    break;
                case "--no-progress":
                    showProgress = false;
                    break;
                case "--json" when i + 1 < args.Length:
                    jsonPath = args[++i];
                    break;
                case string option when option.StartsWith("--", StringComparison.Ordinal):
                    Console.Error.WriteLine($"Unknown or invalid option '{option}'. Usage: {usage}");
                    return null;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return new TrainingRun(positional, epochs, showProgress, jsonPath);
    }

    /// <summary>
    /// Trains <paramref name="network"/> with the options <paramref name="options"/> makes for a progress callback (null
    /// without the display), showing one progress bar per epoch unless disabled.
    /// </summary>
    public History Fit<TNet>(TNet network, Dataset train, Func<Action<TrainingProgress>?, FitOptions> options, string title = "")
        where TNet : class, ITrainableNetwork<TNet>
    {
        if (!ShowProgress)
        {
            return network.Fit(train, options(null));
        }

        History history = null!;
        int epochs = options(null).Epochs;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = new ProgressTask[epochs];
                for (int e = 0; e < epochs; e++)
                {
                    tasks[e] = context.AddTask($"{title}epoch {e + 1}/{epochs}", autoStart: e == 0);
                }

                history = network.Fit(train, options(p =>
                {
                    ProgressTask task = tasks[p.Epoch];
                    if (!task.IsStarted)
                    {
                        task.StartTask();
                    }

                    task.MaxValue = p.BatchCount;
                    task.Value = p.Batch;
                    if (p.Metrics is { } m)
                    {
                        task.Description = $"{title}epoch {p.Epoch + 1}/{epochs}  loss {m.Loss:F4}  accuracy {m.Accuracy:P1}";
                        task.StopTask();
                    }
                }));
            });
        return history;
    }

    /// <summary>One row per epoch: loss, accuracy and where the time went.</summary>
    public static void PrintEpochs(History history, string title)
    {
        var table = new Table().Title(title).AddColumns("epoch", "loss", "accuracy", "s/epoch", "gradients", "optimizer", "batching", "metrics");
        foreach (EpochMetrics e in history.Epochs)
        {
            table.AddRow($"{e.Epoch + 1}", $"{e.Loss:F4}", $"{e.Accuracy:P2}", $"{e.TotalTime.TotalSeconds:F3}",
                $"{e.GradientTime.TotalSeconds:F3}", $"{e.OptimizerTime.TotalSeconds:F3}", $"{e.BatchingTime.TotalSeconds:F3}", $"{e.EvaluationTime.TotalSeconds:F3}");
        }

        AnsiConsole.Write(table);
    }

    /// <summary>Test loss and accuracy, and precision, recall and F1 per class.</summary>
    public static void PrintClasses(EvaluationResult result, IReadOnlyList<string> names)
    {
        var classes = new Table().Title($"Test: loss {result.Loss:F4}, accuracy {result.Accuracy:P2}").AddColumns("class", "precision", "recall", "F1");
        for (int c = 0; c < names.Count; c++)
        {
            classes.AddRow(names[c], $"{result.PerClass[c].Precision:P1}", $"{result.PerClass[c].Recall:P1}", $"{result.PerClass[c].F1:F3}");
        }

        AnsiConsole.Write(classes);
    }

    /// <summary>Writes the run to <see cref="JsonPath"/> (if given) in the format of pytorch_bench.py's "training" entries.</summary>
    public void WriteJson(string tool, string shape, int samples, int batchSize, History history, EvaluationResult test)
    {
        if (JsonPath is null)
        {
            return;
        }

        string? parent = Path.GetDirectoryName(Path.GetFullPath(JsonPath));
        if (parent is not null)
        {
            Directory.CreateDirectory(parent);
        }

        double[] seconds = history.Epochs.Select(e => e.TotalTime.TotalSeconds).ToArray();
        double[] sorted = seconds.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        using (FileStream stream = File.Create(JsonPath))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("system", "StaticNN");
            w.WriteString("tool", tool);
            w.WriteString("date_utc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
            w.WriteString("kernel_path", KernelPath.Description);
            w.WriteStartArray("training");
            w.WriteStartObject();
            w.WriteString("shape", shape);
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

        Console.WriteLine($"wrote {JsonPath}");
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double value in values)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }
}
