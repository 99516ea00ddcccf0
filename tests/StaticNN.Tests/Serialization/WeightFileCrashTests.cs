using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using StaticNN.CrashWriter;
using StaticNN.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Serialization;

/// <summary>
/// Kills a process in the middle of saving 84 MB of weights and checks that the file it was replacing still loads.
/// </summary>
/// <remarks>
/// The child is tests/StaticNN.CrashWriter, which this test project references: the build compiles it first and copies
/// StaticNN.CrashWriter.dll with its runtimeconfig.json next to the test assembly (in the default bin/ layout and in
/// the artifacts layout alike), so it is found from the loaded <see cref="CrashNet"/> type's assembly and started as
/// <c>dotnet StaticNN.CrashWriter.dll path seed</c>. It saves <c>new CrashNet(seed)</c>, <c>seed + 1</c>... printing
/// "saving s" before and "saved s in t ms" after each save. The test waits for the first complete save, then for the
/// next "saving", sleeps a random part (0 to 90%) of the first save's duration and kills the process tree. The temporary file of the
/// interrupted save may remain, under the one well-known name per target that the next save reclaims: the leftovers are
/// never deleted by the test, and there must never be more than one; the target must be intact.
/// </remarks>
public sealed class WeightFileCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public void KillingTheProcessMidSave_LeavesTheLastCompleteFileLoadable()
    {
        using var folder = new TempFolder();
        string path = folder.File("crash.safetensors");
        var random = new Random(20241125);
        int interrupted = 0;
        int attempt = 0;
        // At least 3 kills, and more (up to 8) until at least 2 of them landed while the temporary file was being written.
        while (attempt < 3 || (interrupted < 2 && attempt < 8))
        {
            int firstSeed = 1000 * ++attempt;
            Run run = RunAndKill(path, firstSeed, random, direct: false);
            // Every file but the target is a leftover of a save; earlier kills' leftovers must have been reclaimed.
            string[] leftovers = Directory.GetFiles(folder.Path).Where(f => f != path).ToArray();
            if (leftovers.Length > 0)
            {
                interrupted++;
            }
            leftovers.Length.ShouldBeLessThanOrEqualTo(1, $"after {attempt} kills: {string.Join(", ", leftovers.Select(Path.GetFileName))}");
            leftovers.ShouldAllBe(f => Path.GetFileName(f) == ".crash.safetensors.tmp");

            var loaded = new CrashNet(seed: -1);
            loaded.Load(path); // throws WeightFileException if the file is torn
            int? match = run.Candidates.Select(seed => (int?)seed).FirstOrDefault(seed => loaded.Parameters.SequenceEqual(new CrashNet(seed!.Value).Parameters));
            output.WriteLine($"attempt {attempt}: killed {run.KillDelayMs} ms into a {run.SaveMs} ms save of seed {run.InProgress}; " +
                $"file holds seed {match?.ToString(CultureInfo.InvariantCulture) ?? "?"}; {leftovers.Length} temporary file(s) left");
            match.ShouldNotBeNull($"the file matches none of the seeds {string.Join(", ", run.Candidates)} (last complete save first)");
        }
        interrupted.ShouldBeGreaterThanOrEqualTo(1, "no kill landed during a save, so the test proved nothing");
    }

    [Fact]
    public void Control_KillingAnInPlaceWrite_TearsTheFileAndLoadDetectsIt()
    {
        // The same harness with the child writing in place: some kill must leave a file that Load rejects. This shows the
        // harness kills mid-write and that the atomic test above would notice a non-atomic Save.
        using var folder = new TempFolder();
        string path = folder.File("direct.safetensors");
        var random = new Random(7);
        var reasons = new List<string>();
        for (int attempt = 1; attempt <= 6 && reasons.Count == 0; attempt++)
        {
            Run run = RunAndKill(path, 1000 * attempt, random, direct: true);
            try
            {
                new CrashNet(seed: -1).Load(path);
                output.WriteLine($"attempt {attempt}: killed {run.KillDelayMs} ms into a {run.SaveMs} ms save; the file was complete");
            }
            catch (WeightFileException e)
            {
                output.WriteLine($"attempt {attempt}: killed {run.KillDelayMs} ms into a {run.SaveMs} ms save; torn: {e.Reason}");
                reasons.Add(e.Reason);
            }
        }
        reasons.ShouldNotBeEmpty();
    }

    private sealed record Run(int[] Candidates, int InProgress, long SaveMs, int KillDelayMs);

    private static Run RunAndKill(string path, int firstSeed, Random random, bool direct)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the child exits when this pipe closes, so it never outlives the test
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CrashWriterDll());
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(firstSeed.ToString(CultureInfo.InvariantCulture));
        if (direct)
        {
            start.ArgumentList.Add("--direct");
        }

        var lines = new BlockingCollection<string>();
        var all = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                lines.CompleteAdding(); // end of output: the child exited
                return;
            }
            all.Enqueue(e.Data);
            lines.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        int killDelay;
        long saveMs;
        try
        {
            Expect(lines, process, errors, $"saving {firstSeed}");
            // "saved s in t ms": the child times its own save (the lines may reach us in bursts).
            string saved = Expect(lines, process, errors, $"saved {firstSeed} in ");
            saveMs = long.Parse(saved.Split(' ')[3], CultureInfo.InvariantCulture);
            Expect(lines, process, errors, $"saving {firstSeed + 1}");
            killDelay = random.Next(0, (int)Math.Max(1, saveMs * 9 / 10));
            Thread.Sleep(killDelay);
        }
        finally
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited; the assertions below explain why.
            }
            process.WaitForExit(); // also drains the redirected output
        }

        // Every "saving s" whose "saved s" was printed is complete; the last "saving" may have completed its rename
        // just before the kill without printing "saved". The file must hold one of these two.
        string[] printed = [.. all];
        int lastSaved = printed.Where(l => l.StartsWith("saved ", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).Max();
        int inProgress = printed.Where(l => l.StartsWith("saving ", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).Max();
        int[] candidates = inProgress > lastSaved ? [lastSaved, inProgress] : [lastSaved];
        return new Run(candidates, inProgress, saveMs, killDelay);
    }

    /// <summary>Waits for the next line that equals <paramref name="expected"/> or starts with it when it ends with a space.</summary>
    private static string Expect(BlockingCollection<string> lines, Process process, ConcurrentQueue<string> errors, string expected)
    {
        while (true)
        {
            if (!lines.TryTake(out string? line, LineTimeout))
            {
                throw new TimeoutException($"CrashWriter did not print '{expected}' within {LineTimeout} (exited: {process.HasExited}; stderr: {string.Join(" | ", errors)})");
            }
            if (line == expected || (expected.EndsWith(' ') && line.StartsWith(expected, StringComparison.Ordinal)))
            {
                return line;
            }
        }
    }

    /// <summary>StaticNN.CrashWriter.dll, copied next to the test assembly by the project reference.</summary>
    private static string CrashWriterDll()
    {
        string dll = typeof(CrashNet).Assembly.Location;
        File.Exists(dll).ShouldBeTrue($"CrashWriter assembly not found at '{dll}'");
        File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")).ShouldBeTrue($"'{dll}' has no runtimeconfig.json next to it");
        return dll;
    }

    /// <summary>The dotnet host running this test: DOTNET_HOST_PATH (set by the SDK), this process if it is dotnet, or the host above the runtime folder.</summary>
    private static string DotnetHost()
    {
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (Environment.ProcessPath is string processPath && string.Equals(Path.GetFileName(processPath), name, StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }
        // The shared runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/; the host is <root>/dotnet.
        string fromRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", name));
        return File.Exists(fromRuntime) ? fromRuntime : name;
    }
}
