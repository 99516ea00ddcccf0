using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using StaticNN.Benchmarks.FirstCall;

// First-call latency in a fresh process: builds one network (S2 or S3, seeded weights), calls Predict once, and
// prints one JSON line with the times. Nothing runs a network before that in the process. measure.py starts this
// program many times and takes medians; it sets FIRSTCALL_LAUNCH_UNIX_NS to its wall clock (ns since the Unix epoch)
// just before starting the process, so the times since launch include the runtime's start-up.
//
//   FirstCall S2|S3
long mainUnixNs = UnixNanoseconds();
string shape = args.Length > 0 ? args[0] : "S3";
long launchUnixNs = long.TryParse(Environment.GetEnvironmentVariable("FIRSTCALL_LAUNCH_UNIX_NS"), NumberStyles.None, CultureInfo.InvariantCulture, out long launch) ? launch : 0;

long t0, t1, t2, t3, t4, firstResultUnixNs, jitMethods;
TimeSpan jitTime;
float checksum;
if (shape == "S2")
{
    float[] x = Input(S2Net.InputSize), y = new float[S2Net.OutputSize];
    t0 = Stopwatch.GetTimestamp();
    var net = new S2Net(seed: 1);
    t1 = Stopwatch.GetTimestamp();
    net.Predict(x, y);
    t2 = Stopwatch.GetTimestamp();
    firstResultUnixNs = UnixNanoseconds();
    (jitMethods, jitTime) = (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());
    checksum = y[0];
    t3 = Stopwatch.GetTimestamp();
    net.Predict(x, y);
    t4 = Stopwatch.GetTimestamp();
    for (int i = 0; i < 1000; i++)
    {
        net.Predict(x, y);
    }
}
else if (shape == "S3")
{
    float[] x = Input(S3Net.InputSize), y = new float[S3Net.OutputSize];
    t0 = Stopwatch.GetTimestamp();
    var net = new S3Net(seed: 1);
    t1 = Stopwatch.GetTimestamp();
    net.Predict(x, y);
    t2 = Stopwatch.GetTimestamp();
    firstResultUnixNs = UnixNanoseconds();
    (jitMethods, jitTime) = (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());
    checksum = y[0];
    t3 = Stopwatch.GetTimestamp();
    net.Predict(x, y);
    t4 = Stopwatch.GetTimestamp();
    for (int i = 0; i < 1000; i++)
    {
        net.Predict(x, y);
    }
}
else
{
    Console.Error.WriteLine($"Unknown shape '{shape}'. Usage: FirstCall S2|S3");
    return 2;
}

long t5 = Stopwatch.GetTimestamp();

#if FIRSTCALL_PLAIN
const string Build = "plain";
#else
const string Build = "aggressive-optimization";
#endif
// Under Native AOT nothing is compiled at run time.
string variant = jitMethods == 0 ? "native-aot" : Build;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"shape\":\"{shape}\",\"variant\":\"{variant}\",\"construct_us\":{Micro(t0, t1):F1},\"first_predict_us\":{Micro(t1, t2):F1},"
    // 1000 calls in t4..t5: their total in microseconds is their mean in nanoseconds.
    + $"\"second_predict_us\":{Micro(t3, t4):F2},\"next_1000_mean_ns\":{Micro(t4, t5):F1},"
    + $"\"launch_to_main_us\":{Since(launchUnixNs, mainUnixNs)},\"launch_to_first_result_us\":{Since(launchUnixNs, firstResultUnixNs)},"
    + $"\"jit_methods_at_first_result\":{jitMethods},\"jit_ms_at_first_result\":{jitTime.TotalMilliseconds:F1},\"output0\":{checksum:R}}}"));
return 0;

static float[] Input(int length)
{
    var x = new float[length];
    for (int i = 0; i < x.Length; i++)
    {
        x[i] = (i % 17) / 17f;
    }

    return x;
}

static long UnixNanoseconds() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

static double Micro(long start, long end) => (end - start) * 1e6 / Stopwatch.Frequency;

// Microseconds from the launcher's clock reading to a reading in this process; null without FIRSTCALL_LAUNCH_UNIX_NS.
static string Since(long launchUnixNs, long unixNs) =>
    launchUnixNs == 0 ? "null" : ((unixNs - launchUnixNs) / 1000.0).ToString("F1", CultureInfo.InvariantCulture);
