using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;

namespace StaticNN.Benchmarks;

/// <summary>
/// The suite's configuration and command line.
/// <list type="bullet">
/// <item>Benchmarks always run in-process (<c>--inProcess</c>, BenchmarkDotNet's InProcessEmitToolchain is added to
/// the arguments): BenchmarkDotNet does not generate and build a child project, so the build outputs stay wherever
/// this project's were put (for example with <c>-p:UseArtifactsOutput=true -p:ArtifactsPath=...</c>). The host is
/// this process: workstation, non-concurrent GC (see the .csproj), tiered JIT with PGO.</item>
/// <item><c>--quick</c> expands to <c>--launchCount 1 --warmupCount 3 --iterationCount 10</c>, a short job with
/// enough iterations for a median; BenchmarkDotNet's own <c>--job short</c> (3 iterations) and the other job options
/// work as usual.</item>
/// </list>
/// </summary>
public static class BenchmarkConfig
{
    public static string[] ExpandArguments(IEnumerable<string> args)
    {
        var result = new List<string>();
        bool quick = false;
        foreach (string arg in args)
        {
            if (arg == "--quick")
            {
                quick = true;
            }
            else
            {
                result.Add(arg);
            }
        }

        if (quick)
        {
            result.AddRange(["--launchCount", "1", "--warmupCount", "3", "--iterationCount", "10"]);
        }

        if (!result.Any(a => a is "--inProcess" or "-i"))
        {
            result.Add("--inProcess");
        }

        return result.ToArray();
    }

    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddColumn(new GflopsColumn())
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));
}
