using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using StaticNN.Benchmarks.Baselines;

namespace StaticNN.Benchmarks;

/// <summary>
/// Where the generated Predict loses time against the hand-written one: the hand-written kernel (baseline) against
/// copies of itself that each adopt one choice of the generated code, and the generated code itself.
/// <list type="bullet">
/// <item>S1: the softmax as the generated Predict does it (logits stored, the runtime's <c>VectorMath.SoftmaxPadded</c>
/// called on the 16-float row, 3 values copied out) instead of in the register; and the in-register softmax with the
/// BCL's <c>Vector512.Exp</c>, which the JIT does not inline (a call), instead of an inlined polynomial.</item>
/// <item>S2: the runtime's tanh instead of the baseline's own, then also the generated kernels' way of indexing
/// memory (<c>LoadUnsafe(ref w, (nuint)(k * 64 + 16))</c>: a 32-bit lea and a movsxd per load).</item>
/// <item>S1 also: the generated Predict called with the stack pointer moved by 16, 32, 48 bytes (its stack scratch is
/// 16-byte aligned, so its 64-byte vectors may straddle cache lines depending on the caller).</item>
/// <item>S3: the generated Predict's softmax (<c>VectorMath.SoftmaxPadded</c> on the stored logits).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AblationBenchmarks
{
    private S1Net _s1 = null!;
    private S2Net _s2 = null!;
    private S3Net _s3 = null!;
    private HandWrittenS1 _hand1 = null!;
    private HandWrittenS1BclExp _hand1BclExp = null!;
    private HandWrittenS1RuntimeSoftmax _hand1RuntimeSoftmax = null!;
    private HandWrittenS2 _hand2 = null!;
    private HandWrittenS2RuntimeTanh _hand2RuntimeTanh = null!;
    private HandWrittenS2IntIndexed _hand2IntIndexed = null!;
    private HandWrittenS3 _hand3 = null!;
    private HandWrittenS3RuntimeSoftmax _hand3RuntimeSoftmax = null!;
    private float[] _x1 = null!, _x2 = null!, _x3 = null!;
    private float[] _y1 = null!, _y2 = null!, _y3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _s1 = Shapes.CreateS1();
        _s2 = Shapes.CreateS2();
        _s3 = Shapes.CreateS3();
        IReadOnlyList<LayerWeights> l1 = Shapes.GetLayers(_s1), l2 = Shapes.GetLayers(_s2), l3 = Shapes.GetLayers(_s3);
        _hand1 = new HandWrittenS1(l1);
        _hand1BclExp = new HandWrittenS1BclExp(l1);
        _hand1RuntimeSoftmax = new HandWrittenS1RuntimeSoftmax(l1);
        _hand2 = new HandWrittenS2(l2);
        _hand2RuntimeTanh = new HandWrittenS2RuntimeTanh(l2);
        _hand2IntIndexed = new HandWrittenS2IntIndexed(l2);
        _hand3 = new HandWrittenS3(l3);
        _hand3RuntimeSoftmax = new HandWrittenS3RuntimeSoftmax(l3);
        _x1 = Shapes.RandomArray(S1Net.InputSize, 1);
        _x2 = Shapes.RandomArray(S2Net.InputSize, 2);
        _x3 = Shapes.RandomArray(S3Net.InputSize, 3, 0f, 1f);
        _y1 = new float[S1Net.OutputSize];
        _y2 = new float[S2Net.OutputSize];
        _y3 = new float[S3Net.OutputSize];
    }

    [Benchmark(Baseline = true), BenchmarkCategory("S1 4-10-3")]
    public void S1_HandWritten() => _hand1.Predict(_x1, _y1);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_HandWritten_BclExpSoftmax() => _hand1BclExp.Predict(_x1, _y1);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_HandWritten_RuntimeSoftmaxPadded() => _hand1RuntimeSoftmax.Predict(_x1, _y1);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_Generated() => _s1.Predict(_x1, _y1);

    // The generated Predict keeps each layer's output in `stackalloc float[16]`, which is only 16-byte aligned: where it
    // lands depends on the caller's stack depth. These call it with the stack pointer moved down by 16, 32 and 48 bytes.
    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_Generated_StackShift16() => CallWithStackShift(16);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_Generated_StackShift32() => CallWithStackShift(32);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_Generated_StackShift48() => CallWithStackShift(48);

    [Benchmark(Baseline = true), BenchmarkCategory("S2 16-64-64-8")]
    public void S2_HandWritten() => _hand2.Predict(_x2, _y2);

    [Benchmark, BenchmarkCategory("S2 16-64-64-8")]
    public void S2_HandWritten_RuntimeTanh() => _hand2RuntimeTanh.Predict(_x2, _y2);

    [Benchmark, BenchmarkCategory("S2 16-64-64-8")]
    public void S2_HandWritten_RuntimeTanh_IntIndexing() => _hand2IntIndexed.Predict(_x2, _y2);

    [Benchmark, BenchmarkCategory("S2 16-64-64-8")]
    public void S2_Generated() => _s2.Predict(_x2, _y2);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CallWithStackShift(int bytes)
    {
        // A stackalloc of `bytes` (a multiple of 16) moves this frame's end, so the callee's frame, down by that much.
        Span<byte> pad = stackalloc byte[bytes];
        pad[0] = 0;
        _s1.Predict(_x1, _y1);
        _ = System.Threading.Volatile.Read(ref pad[0]);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("S3 784-128-10")]
    public void S3_HandWritten() => _hand3.Predict(_x3, _y3);

    [Benchmark, BenchmarkCategory("S3 784-128-10")]
    public void S3_HandWritten_RuntimeSoftmaxPadded() => _hand3RuntimeSoftmax.Predict(_x3, _y3);

    [Benchmark, BenchmarkCategory("S3 784-128-10")]
    public void S3_Generated() => _s3.Predict(_x3, _y3);
}
