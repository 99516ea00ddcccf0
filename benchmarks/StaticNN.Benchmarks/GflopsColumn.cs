using System;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StaticNN.Benchmarks;

/// <summary>
/// GFLOP/s of a benchmark: its floating-point operations per operation divided by the measured mean time. The
/// operation count comes from a <c>public static double FlopsPerOperation(string method, ParameterInstances parameters)</c>
/// on the benchmark class (NaN or no such method: the column shows "-"). The column is hidden for tables where no
/// benchmark reports FLOPs.
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => "GFLOP/s";

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Floating-point operations per operation / Mean (a multiply-add counts as 2)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => !double.IsNaN(FlopsOf(c)));

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double flops = FlopsOf(benchmarkCase);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (double.IsNaN(flops) || meanNs is not > 0)
        {
            return "-";
        }

        return (flops / meanNs.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;

    /// <summary>FLOPs of one operation of <paramref name="benchmarkCase"/>, or NaN when its class does not say.</summary>
    public static double FlopsOf(BenchmarkCase benchmarkCase)
    {
        MethodInfo? method = benchmarkCase.Descriptor.Type.GetMethod(
            "FlopsPerOperation", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(ParameterInstances)]);
        if (method is null)
        {
            return double.NaN;
        }

        return (double)method.Invoke(null, [benchmarkCase.Descriptor.WorkloadMethod.Name, benchmarkCase.Parameters])!;
    }
}

/// <summary>FLOP counts of dense networks (a multiply-add is 2 FLOPs; activations, softmax and the loss are not counted).</summary>
public static class Flops
{
    public static readonly (int In, int Out)[] S3 = [(784, 128), (128, 10)];
    public static readonly (int In, int Out)[] S4 = [(784, 128), (128, 64), (64, 10)];
    public static readonly (int In, int Out)[] S5 = [(256, 512), (512, 512), (512, 10)];

    /// <summary>Forward pass of <paramref name="batch"/> samples: sum over layers of 2 B in out.</summary>
    public static double Forward((int In, int Out)[] layers, int batch) => layers.Sum(l => 2.0 * batch * l.In * l.Out);

    /// <summary>
    /// One ComputeGradients call: forward (2 B in out per layer) + weight gradient (2 B in out per layer) + input
    /// gradient (2 B in out for every layer except the first, whose input gradient is not needed).
    /// </summary>
    public static double Gradients((int In, int Out)[] layers, int batch) =>
        2 * Forward(layers, batch) + Forward(layers[1..], batch);

    public static int IntParameter(ParameterInstances parameters, string name) => (int)parameters[name];
}
