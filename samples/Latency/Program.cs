using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime;
using System.Runtime.InteropServices;
using StaticNN;
using StaticNN.Runtime;

// Latency of single Predict calls, as an embedding application sees it: the first call after loading (fresh process),
// then p50/p99/p99.9/max over 1,000,000 individually timed calls, and the bytes allocated meanwhile (must be 0).
// Runs the same under `dotnet run` (JIT) and as a Native AOT binary; see README.md.
//
//   Latency [--iterations N] [--warmup-ms N]   measure S2 (trained weights, baked in at build time) and S3 (seeded weights)
//   Latency --train [path]                     retrain S2 and write its weights (default ./s2.safetensors; rebuild to bake them)
int iterations = 1_000_000;
int warmupMs = 500;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--train":
            return S2Training.Run(i + 1 < args.Length ? args[i + 1] : "s2.safetensors");
        case "--iterations" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out iterations) && iterations > 0:
        case "--warmup-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out warmupMs) && warmupMs >= 0:
            i++;
            break;
        default:
            Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'. Usage: Latency [--iterations N] [--warmup-ms N] | --train [path]");
            return 2;
    }
}

// 1. First calls: nothing has run a network in this process yet, so under the JIT these include compiling Predict and
//    its kernels; a Native AOT binary has them compiled already.
float[] referenceInput = new float[S2.InputSize];
for (int i = 0; i < referenceInput.Length; i++)
{
    referenceInput[i] = 0.1f * (i - 8);
}
float[] s2Output = new float[S2.OutputSize];
float[] s3Input = new float[S3.InputSize];
float[] s3Output = new float[S3.OutputSize];
string weightsPath = Path.Combine(AppContext.BaseDirectory, "s2.safetensors");

long t0 = Stopwatch.GetTimestamp();
S2 s2 = S2.CreatePretrained();
long t1 = Stopwatch.GetTimestamp();
s2.Predict(referenceInput, s2Output);
long t2 = Stopwatch.GetTimestamp();
s2.Predict(referenceInput, s2Output);
long t3 = Stopwatch.GetTimestamp();

var s3 = new S3(seed: 1);
long t4 = Stopwatch.GetTimestamp();
s3.Predict(s3Input, s3Output);
long t5 = Stopwatch.GetTimestamp();
s3.Predict(s3Input, s3Output);
long t6 = Stopwatch.GetTimestamp();

// For comparison: the same weights loaded from the file at run time (parsing and validating the safetensors header).
var loaded = new S2();
long t7 = Stopwatch.GetTimestamp();
loaded.Load(weightsPath);
long t8 = Stopwatch.GetTimestamp();
float[] loadedOutput = new float[S2.OutputSize];
loaded.Predict(referenceInput, loadedOutput);
bool loadMatches = loadedOutput.AsSpan().SequenceEqual(s2Output);

// Not RuntimeFeature.IsDynamicCodeSupported: PublishAot=true makes it false under the JIT too (AOT emulation).
string mode = JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "Native AOT";
Console.WriteLine($"StaticNN latency sample: {RuntimeInformation.FrameworkDescription} {mode}, {RuntimeInformation.OSArchitecture}, "
    + $"{Environment.ProcessorCount} logical cores, kernel path {KernelPath.Description}");
Console.WriteLine();
Console.WriteLine("First calls in this process (Stopwatch around each):");
Console.WriteLine($"  S2  S2.CreatePretrained()    {Micro(t0, t1),10} us   (weights baked in at build time)");
Console.WriteLine($"      first Predict           {Micro(t1, t2),10} us");
Console.WriteLine($"      second Predict          {Micro(t2, t3),10} us");
Console.WriteLine($"  S3  first Predict           {Micro(t4, t5),10} us   (after new S3(seed: 1))");
Console.WriteLine($"      second Predict          {Micro(t5, t6),10} us");
Console.WriteLine($"  S2  Load(\"s2.safetensors\")  {Micro(t7, t8),10} us   (the same weights from the file, for comparison: {(loadMatches ? "same outputs" : "DIFFERENT outputs")})");

// 2. The fixed input's outputs, which host/host.c prints too (through the C export of the shared library). Here the
//    same export is called through a function pointer: its baked weights must give exactly the same outputs.
float[] exportOutput = new float[S2.OutputSize];
int exportResult;
unsafe
{
    float* input = stackalloc float[S2.InputSize];
    float* output = stackalloc float[S2.OutputSize];
    referenceInput.CopyTo(new Span<float>(input, S2.InputSize));
    delegate* unmanaged<float*, float*, int> predict = &NativeExports.Predict;
    exportResult = predict(input, output);
    new ReadOnlySpan<float>(output, S2.OutputSize).CopyTo(exportOutput);
}
bool exportMatches = exportResult == NativeExports.Ok && exportOutput.AsSpan().SequenceEqual(s2Output);
Console.WriteLine();
Console.WriteLine("S2 on the reference input x[i] = 0.1 * (i - 8), i = 0..15:");
Console.WriteLine("reference: " + string.Join(' ', Array.ConvertAll(s2Output, v => v.ToString("G9", CultureInfo.InvariantCulture))));
Console.WriteLine($"  staticnn_predict (baked weights) returns {exportResult} and {(exportMatches ? "the same outputs" : "DIFFERENT outputs")}");

// 3. Steady-state latency: each call timed on its own; rows of a seeded input pool in turn.
long overhead = LatencyMeter.MeasureTimerOverhead();
var random = new Random(5);
float[] s2Inputs = RandomInputs(random, 256 * S2.InputSize, -2f, 2f);
float[] s3Inputs = RandomInputs(random, 256 * S3.InputSize, 0f, 1f);
TimeSpan warmup = TimeSpan.FromMilliseconds(warmupMs);
LatencyStats s2Stats = LatencyMeter.Measure(new S2Predictor(s2), s2Inputs, S2.OutputSize, iterations, warmup, overhead);
LatencyStats s3Stats = LatencyMeter.Measure(new S3Predictor(s3), s3Inputs, S3.OutputSize, iterations, warmup, overhead);

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Per-call latency in ns over {iterations:N0} calls each, after a {warmupMs} ms warm-up; the median cost of an empty "
    + $"timer pair ({overhead * LatencyMeter.NanosecondsPerTick:F0} ns) is subtracted from every sample:"));
Console.WriteLine();
Console.WriteLine("| network | parameters | min | p50 | p99 | p99.9 | max | mean | allocated | gen0 GCs |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
Row("S2 16-64-64-8 tanh", S2.ParameterCount, s2Stats);
Row("S3 784-128-10 relu/softmax", S3.ParameterCount, s3Stats);

bool allocationFree = s2Stats.AllocatedBytes == 0 && s3Stats.AllocatedBytes == 0;
Console.WriteLine();
Console.WriteLine(allocationFree ? "No bytes allocated in the timed loops." : "FAIL: the timed loops allocated.");
return allocationFree && exportMatches && loadMatches ? 0 : 1;

static string Micro(long start, long end) =>
    ((end - start) * LatencyMeter.NanosecondsPerTick / 1000).ToString("N1", CultureInfo.InvariantCulture);

static float[] RandomInputs(Random random, int length, float min, float max)
{
    var values = new float[length];
    for (int i = 0; i < values.Length; i++)
    {
        values[i] = min + (max - min) * random.NextSingle();
    }
    return values;
}

static void Row(string name, int parameters, LatencyStats s) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {parameters:N0} | {s.Min:F0} | {s.P50:F0} | {s.P99:F0} | {s.P999:F0} | {s.Max:N0} | {s.Mean:F0} | {s.AllocatedBytes} B | {s.Gen0Collections} |"));
