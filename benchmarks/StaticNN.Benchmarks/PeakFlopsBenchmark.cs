using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;

namespace StaticNN.Benchmarks;

/// <summary>
/// This core's FP32 peak with AVX-512: a loop of <see cref="Avx512F.FusedMultiplyAdd(Vector512{float}, Vector512{float}, Vector512{float})"/>
/// on 8, 10 or 12 independent accumulators (an FMA has 4 cycles of latency and Zen 5 issues 2 per cycle, so 8 chains
/// are the minimum to fill both pipes). One operation = one loop iteration = Accumulators FMAs = Accumulators x 16
/// lanes x 2 FLOPs; the GFLOP/s column is the peak measured. The operands come from fields, so they stay in registers
/// (no memory operand in the loop).
/// </summary>
public class PeakFlopsBenchmark
{
    private const int Iterations = 1 << 16;
    private Vector512<float> _multiplier = Vector512.Create(0.999_999f);
    private Vector512<float> _addend = Vector512.Create(1e-6f);

    [Params(8, 10, 12)]
    public int Accumulators { get; set; }

    public static double FlopsPerOperation(string method, ParameterInstances parameters) =>
        Flops.IntParameter(parameters, nameof(Accumulators)) * Vector512<float>.Count * 2.0;

    [GlobalSetup]
    public void Setup()
    {
        if (!Avx512F.IsSupported)
        {
            throw new PlatformNotSupportedException("PeakFlopsBenchmark needs AVX-512F.");
        }
    }

    [Benchmark(OperationsPerInvoke = Iterations)]
    public float Vector512Fma() => Accumulators switch
    {
        8 => Fma8(_multiplier, _addend),
        10 => Fma10(_multiplier, _addend),
        _ => Fma12(_multiplier, _addend),
    };

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma8(Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> c0 = b, c1 = b + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
        }

        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Fma10(Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> c0 = b, c1 = b + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b;
        Vector512<float> c8 = c7 + b, c9 = c8 + b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
        }

        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + (c8 + c9));
    }

    /// <summary>FLOPs of one <see cref="Fma12"/> call: iterations x 12 FMAs x 16 lanes x 2.</summary>
    internal const double Fma12Flops = Iterations * 12.0 * 16 * 2;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma12(Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> c0 = b, c1 = b + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b, c6 = c5 + b, c7 = c6 + b;
        Vector512<float> c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b);
            c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }

        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }
}
