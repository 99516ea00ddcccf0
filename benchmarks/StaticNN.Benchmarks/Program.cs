using System.Linq;
using BenchmarkDotNet.Running;

namespace StaticNN.Benchmarks;

/// <summary>
/// <c>--verify</c>: checks every baseline against the generated networks and exits non-zero on a mismatch (no
/// BenchmarkDotNet). <c>--timing</c>: the figures compared with PyTorch, timed like the Python side, as JSON
/// (<see cref="PeerTiming.PeerTimingMode"/>; no BenchmarkDotNet). Otherwise BenchmarkDotNet's switcher, with the arguments expanded by
/// <see cref="BenchmarkConfig.ExpandArguments"/> (in-process toolchain, <c>--quick</c>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Contains("--verify"))
        {
            return Verification.Run();
        }

        if (args.Contains("--timing"))
        {
            return PeerTiming.PeerTimingMode.Run(args);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(BenchmarkConfig.ExpandArguments(args), BenchmarkConfig.Create());
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
