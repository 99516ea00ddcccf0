using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace StaticNN.CrashWriter;

/// <summary>About 21 million parameters (84 MB as float32): large enough that a save takes a while to write.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4096)]
[Dense(4096, Activation.ReLU)]
[Dense(1024)]
public sealed partial class CrashNet;

/// <summary>
/// Usage: <c>dotnet StaticNN.CrashWriter.dll &lt;path&gt; &lt;first-seed&gt; [--direct]</c>. For seed s = first-seed,
/// first-seed + 1, ...: builds <c>new CrashNet(s)</c>, prints "saving s", saves it to path, prints "saved s in t ms". The test
/// kills the process during a save. <c>--direct</c> writes the file in place (truncate, write, no flush to disk) instead
/// of atomically: the control that shows the test really kills mid-write and that a torn file is detected. Exits when
/// stdin closes (the test died) or after 100 saves.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: StaticNN.CrashWriter <path> <first-seed> [--direct]");
            return 2;
        }
        string path = args[0];
        int first = int.Parse(args[1], CultureInfo.InvariantCulture);
        bool direct = args.Length > 2 && args[2] == "--direct";

        // Never outlive the test: it holds our stdin open and the pipe closes when it exits.
        var watchdog = new Thread(() =>
        {
            Console.In.ReadToEnd();
            Environment.Exit(3);
        })
        { IsBackground = true };
        watchdog.Start();

        for (int seed = first; seed < first + 100; seed++)
        {
            var network = new CrashNet(seed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"saving {seed}"));
            long start = Stopwatch.GetTimestamp();
            if (direct)
            {
                using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
                network.Save(stream);
            }
            else
            {
                network.Save(path);
            }
            long milliseconds = (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"saved {seed} in {milliseconds} ms"));
        }
        return 0;
    }
}
