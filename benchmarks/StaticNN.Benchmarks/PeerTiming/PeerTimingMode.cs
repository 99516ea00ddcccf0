using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using StaticNN.Benchmarks.Baselines;
using StaticNN.Runtime;

namespace StaticNN.Benchmarks.PeerTiming;

/// <summary>
/// <c>--timing</c>: StaticNN's side of the comparison with PyTorch (<c>benchmarks/peers/pytorch_bench.py</c>), timed
/// with the same method as the Python script (see <see cref="CallTimer"/>), without BenchmarkDotNet, and written as
/// JSON for <c>benchmarks/run-all.sh</c>.
/// <list type="bullet">
/// <item><b>latency</b>: batch-1 <c>Predict</c> of S1-S5 for the generated network, the hand-written Vector512 kernel
/// (AVX-512 machines only), TensorPrimitives and the naive loop; the same input every call.</item>
/// <item><b>throughput</b>: 256 samples of S3, S4 and S5: the generated <c>PredictBatch</c>, a loop of generated
/// <c>Predict</c> and a loop of the hand-written kernel; samples per second and GFLOP/s of the forward products.</item>
/// <item><b>cnn</b>: the convolutional networks C1 and L5 (batch-1 <c>Predict</c>, batch-32 training step) and each
/// of their convolution layers' kernels, with this core's FMA peak measured in the same process
/// (<see cref="ConvolutionTiming"/>).</item>
/// </list>
/// Options: <c>--parts latency,throughput,cnn</c>, <c>--json PATH</c>, <c>--quick</c> (short warm-up and budgets: a smoke
/// test, not a measurement), <c>--warmup-ms N</c>, <c>--budget-ms N</c> (per measurement and per kind of timing).
/// One thread: nothing here runs in parallel.
/// </summary>
public static class PeerTimingMode
{
    private const int Batch = 256;

    public static int Run(string[] args)
    {
        var parts = new HashSet<string>(["latency", "throughput"]);
        string? jsonPath = null;
        // The warm-up must outlast tiering: the generated kernels are compiled optimised at once, but the runtime
        // helpers they call (softmax, exp) and the baselines start at tier 0 and are promoted only after 100 ms without
        // new tier-0 compilations plus 30 calls (with 100 ms, S1's generated Predict measured 110 ns instead of 24 ns).
        int warmupMs = 1000, budgetMs = 1000;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--timing":
                    break;
                case "--quick":
                    (warmupMs, budgetMs) = (500, 100);
                    break;
                case "--parts" when i + 1 < args.Length:
                    parts = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--json" when i + 1 < args.Length:
                    jsonPath = args[++i];
                    break;
                case "--warmup-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out warmupMs) && warmupMs >= 0:
                case "--budget-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out budgetMs) && budgetMs > 0:
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'. Usage: --timing [--parts latency,throughput,cnn] [--json PATH] [--quick] [--warmup-ms N] [--budget-ms N]");
                    return 2;
            }
        }

        var timing = new TimingSettings(TimeSpan.FromMilliseconds(warmupMs), TimeSpan.FromMilliseconds(budgetMs), CallTimer.MeasureTimerOverhead());
        Console.WriteLine($"StaticNN --timing: {RuntimeInformation.FrameworkDescription}, kernel path {KernelPath.Description}, "
            + $"{Environment.ProcessorCount} logical cores, one thread");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up {warmupMs} ms, budget {budgetMs} ms per timing, timer pair overhead {timing.TimerOverhead:F1} ns (subtracted from per-call figures)"));

        var latency = new List<LatencyRow>();
        var throughput = new List<ThroughputRow>();
        ConvolutionTiming.Result? cnn = null;
        if (parts.Contains("latency"))
        {
            MeasureLatency(timing, latency);
        }

        if (parts.Contains("throughput"))
        {
            MeasureThroughput(timing, throughput);
        }

        if (parts.Contains("cnn"))
        {
            cnn = ConvolutionTiming.Measure(timing);
        }

        if (jsonPath is not null)
        {
            WriteJson(jsonPath, timing, latency, throughput, cnn);
            Console.WriteLine($"wrote {jsonPath}");
        }

        return 0;
    }

    private static void MeasureLatency(TimingSettings t, List<LatencyRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine("Batch-1 Predict, ns per call: per-call median / p99 (timer overhead subtracted), loop median");
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported;

        S1Net s1 = Shapes.CreateS1();
        Shape(rows, t, "S1", s1, Shapes.GetLayers(s1), S1Net.InputSize, S1Net.OutputSize,
            (x, y) => t.Measure(new S1GeneratedCall(s1, x, y)),
            avx512 ? (l, x, y) => t.Measure(new S1HandWrittenCall(new HandWrittenS1(l), x, y)) : null);
        S2Net s2 = Shapes.CreateS2();
        Shape(rows, t, "S2", s2, Shapes.GetLayers(s2), S2Net.InputSize, S2Net.OutputSize,
            (x, y) => t.Measure(new S2GeneratedCall(s2, x, y)),
            avx512 ? (l, x, y) => t.Measure(new S2HandWrittenCall(new HandWrittenS2(l), x, y)) : null);
        S3Net s3 = Shapes.CreateS3();
        Shape(rows, t, "S3", s3, Shapes.GetLayers(s3), S3Net.InputSize, S3Net.OutputSize,
            (x, y) => t.Measure(new S3GeneratedCall(s3, x, y)),
            avx512 ? (l, x, y) => t.Measure(new S3HandWrittenCall(new HandWrittenS3(l), x, y)) : null);
        S4Net s4 = Shapes.CreateS4();
        Shape(rows, t, "S4", s4, Shapes.GetLayers(s4), S4Net.InputSize, S4Net.OutputSize,
            (x, y) => t.Measure(new S4GeneratedCall(s4, x, y)),
            avx512 ? (l, x, y) => t.Measure(new S4HandWrittenCall(new HandWrittenS4(l), x, y)) : null);
        S5Net s5 = Shapes.CreateS5();
        Shape(rows, t, "S5", s5, Shapes.GetLayers(s5), S5Net.InputSize, S5Net.OutputSize,
            (x, y) => t.Measure(new S5GeneratedCall(s5, x, y)),
            avx512 ? (l, x, y) => t.Measure(new S5HandWrittenCall(new HandWrittenS5(l), x, y)) : null);
    }

    // One shape: the generated network, the hand-written kernel (null without AVX-512), TensorPrimitives, naive.
    // Inputs as in PredictBenchmarks: [0, 1) for the image-sized shapes, [-1, 1) otherwise.
    private static void Shape<TNet>(
        List<LatencyRow> rows, TimingSettings t, string shape, TNet net, IReadOnlyList<LayerWeights> layers, int inputSize, int outputSize,
        Func<float[], float[], CallTiming> generated, Func<IReadOnlyList<LayerWeights>, float[], float[], CallTiming>? handWritten)
        where TNet : class, ITrainableNetwork<TNet>
    {
        float[] x = inputSize == 784 ? Shapes.RandomArray(inputSize, 3, 0f, 1f) : Shapes.RandomArray(inputSize, 3);
        float[] y = new float[outputSize];
        Add(rows, shape, "generated", generated(x, y));
        if (handWritten is not null)
        {
            Add(rows, shape, "hand-written Vector512", handWritten(layers, x, y));
        }

        Add(rows, shape, "TensorPrimitives", t.Measure(new TensorPrimitivesCall(new TensorPrimitivesMlp(layers), x, y)));
        Add(rows, shape, "naive scalar", t.Measure(new NaiveScalarCall(new NaiveScalarMlp(layers), x, y)));
        GC.KeepAlive(net);
    }

    private static void Add(List<LatencyRow> rows, string shape, string implementation, CallTiming timing)
    {
        rows.Add(new LatencyRow(shape, implementation, timing));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {shape}  {implementation,-24} {timing.PerCallMedian,12:F1} / {timing.PerCallP99,12:F1}   loop {timing.LoopMedian,12:F1}   ({timing.Calls:N0} calls, {timing.Loops} loops of {timing.LoopLength})"));
    }

    private static void MeasureThroughput(TimingSettings t, List<ThroughputRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"Batch {Batch}: median time per batch, samples/s, GFLOP/s (forward products)");
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported;

        S3Net s3 = Shapes.CreateS3();
        float[] x3 = Shapes.RandomArray(Batch * S3Net.InputSize, 21, 0f, 1f), y3 = new float[Batch * S3Net.OutputSize];
        AddBatch(rows, "S3", "generated PredictBatch", Flops.S3, t.Measure(new S3PredictBatchCall(s3, x3, y3)));
        AddBatch(rows, "S3", "generated Predict loop", Flops.S3, t.Measure(new PredictLoopCall(new GeneratedPredictor<S3Net>(s3), S3Net.InputSize, S3Net.OutputSize, x3, y3)));
        if (avx512)
        {
            AddBatch(rows, "S3", "hand-written Vector512 loop", Flops.S3, t.Measure(new PredictLoopCall(new HandWrittenS3(Shapes.GetLayers(s3)), S3Net.InputSize, S3Net.OutputSize, x3, y3)));
        }

        S4Net s4 = Shapes.CreateS4();
        float[] x4 = Shapes.RandomArray(Batch * S4Net.InputSize, 22, 0f, 1f), y4 = new float[Batch * S4Net.OutputSize];
        AddBatch(rows, "S4", "generated PredictBatch", Flops.S4, t.Measure(new S4PredictBatchCall(s4, x4, y4)));
        AddBatch(rows, "S4", "generated Predict loop", Flops.S4, t.Measure(new PredictLoopCall(new GeneratedPredictor<S4Net>(s4), S4Net.InputSize, S4Net.OutputSize, x4, y4)));
        if (avx512)
        {
            AddBatch(rows, "S4", "hand-written Vector512 loop", Flops.S4, t.Measure(new PredictLoopCall(new HandWrittenS4(Shapes.GetLayers(s4)), S4Net.InputSize, S4Net.OutputSize, x4, y4)));
        }

        S5Net s5 = Shapes.CreateS5();
        float[] x5 = Shapes.RandomArray(Batch * S5Net.InputSize, 23), y5 = new float[Batch * S5Net.OutputSize];
        AddBatch(rows, "S5", "generated PredictBatch", Flops.S5, t.Measure(new S5PredictBatchCall(s5, x5, y5)));
        AddBatch(rows, "S5", "generated Predict loop", Flops.S5, t.Measure(new PredictLoopCall(new GeneratedPredictor<S5Net>(s5), S5Net.InputSize, S5Net.OutputSize, x5, y5)));
        if (avx512)
        {
            AddBatch(rows, "S5", "hand-written Vector512 loop", Flops.S5, t.Measure(new PredictLoopCall(new HandWrittenS5(Shapes.GetLayers(s5)), S5Net.InputSize, S5Net.OutputSize, x5, y5)));
        }
    }

    private static void AddBatch(List<ThroughputRow> rows, string shape, string implementation, (int In, int Out)[] layers, CallTiming timing)
    {
        // One call is a whole batch (about 100 us or more), so the per-call median is the figure; the timer's
        // overhead is already subtracted and negligible at this size.
        double seconds = timing.PerCallMedian * 1e-9;
        var row = new ThroughputRow(shape, implementation, timing.PerCallMedian, Batch / seconds, Flops.Forward(layers, Batch) / timing.PerCallMedian, timing.Calls);
        rows.Add(row);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {shape}  {implementation,-28} {row.MedianNanoseconds / 1000,10:F1} us {row.SamplesPerSecond,14:N0} samples/s {row.Gflops,8:F1} GFLOP/s  ({row.Calls:N0} batches)"));
    }

    private static void WriteJson(string path, TimingSettings t, List<LatencyRow> latency, List<ThroughputRow> throughput, ConvolutionTiming.Result? cnn)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        using FileStream stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("system", "StaticNN");
        w.WriteString("tool", "StaticNN.Benchmarks --timing");
        w.WriteString("date_utc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        w.WriteString("kernel_path", KernelPath.Description);
        w.WriteNumber("logical_cores", Environment.ProcessorCount);
        w.WriteNumber("warmup_ms", t.Warmup.TotalMilliseconds);
        w.WriteNumber("budget_ms", t.Budget.TotalMilliseconds);
        w.WriteNumber("timer_overhead_ns", t.TimerOverhead);
        w.WriteStartArray("latency");
        foreach (LatencyRow r in latency)
        {
            w.WriteStartObject();
            w.WriteString("shape", r.Shape);
            w.WriteString("implementation", r.Implementation);
            w.WriteNumber("threads", 1);
            w.WriteNumber("per_call_median_ns", r.Timing.PerCallMedian);
            w.WriteNumber("per_call_p99_ns", r.Timing.PerCallP99);
            w.WriteNumber("per_call_median_raw_ns", r.Timing.PerCallMedianRaw);
            w.WriteNumber("calls", r.Timing.Calls);
            w.WriteNumber("loop_median_ns", r.Timing.LoopMedian);
            w.WriteNumber("loop_length", r.Timing.LoopLength);
            w.WriteNumber("loops", r.Timing.Loops);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("throughput");
        foreach (ThroughputRow r in throughput)
        {
            w.WriteStartObject();
            w.WriteString("shape", r.Shape);
            w.WriteString("implementation", r.Implementation);
            w.WriteNumber("threads", 1);
            w.WriteNumber("batch", Batch);
            w.WriteNumber("median_ns", r.MedianNanoseconds);
            w.WriteNumber("samples_per_second", r.SamplesPerSecond);
            w.WriteNumber("gflops", r.Gflops);
            w.WriteNumber("batches", r.Calls);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        cnn?.Write(w);
        w.WriteEndObject();
    }

    private sealed record LatencyRow(string Shape, string Implementation, CallTiming Timing);

    private sealed record ThroughputRow(string Shape, string Implementation, double MedianNanoseconds, double SamplesPerSecond, double Gflops, int Calls);

    internal sealed record TimingSettings(TimeSpan Warmup, TimeSpan Budget, double TimerOverhead)
    {
        public CallTiming Measure<TCall>(TCall call) where TCall : struct, ITimedCall =>
            CallTimer.Measure(call, TimerOverhead, Warmup, Budget, maxCalls: 1_000_000);
    }
}
