using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using StaticNN.Benchmarks.Baselines;

namespace StaticNN.Benchmarks;

/// <summary>
/// Batch-1 inference (one <c>Predict</c> call) of the five shapes, per implementation. In each shape's group the
/// hand-written AVX-512 kernel is the baseline, so the Ratio column reads "this / hand-written" (generated: lower
/// than 1 means the generator beats the hand-written code). All four implementations hold the same weights (copied
/// out of the generated network with GetLayerParameters) and are checked against each other by <c>--verify</c>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PredictBenchmarks
{
    private S1Net _s1 = null!;
    private S2Net _s2 = null!;
    private S3Net _s3 = null!;
    private S4Net _s4 = null!;
    private S5Net _s5 = null!;
    private HandWrittenS1 _hand1 = null!;
    private HandWrittenS2 _hand2 = null!;
    private HandWrittenS3 _hand3 = null!;
    private HandWrittenS4 _hand4 = null!;
    private HandWrittenS5 _hand5 = null!;
    private TensorPrimitivesMlp _tp1 = null!, _tp2 = null!, _tp3 = null!, _tp4 = null!, _tp5 = null!;
    private NaiveScalarMlp _naive1 = null!, _naive2 = null!, _naive3 = null!, _naive4 = null!, _naive5 = null!;
    private float[] _x1 = null!, _x2 = null!, _x3 = null!, _x4 = null!, _x5 = null!;
    private float[] _y1 = null!, _y2 = null!, _y3 = null!, _y4 = null!, _y5 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _s1 = Shapes.CreateS1();
        _s2 = Shapes.CreateS2();
        _s3 = Shapes.CreateS3();
        _s4 = Shapes.CreateS4();
        _s5 = Shapes.CreateS5();
        IReadOnlyList<LayerWeights> l1 = Shapes.GetLayers(_s1), l2 = Shapes.GetLayers(_s2), l3 = Shapes.GetLayers(_s3), l4 = Shapes.GetLayers(_s4), l5 = Shapes.GetLayers(_s5);
        _hand1 = new HandWrittenS1(l1);
        _hand2 = new HandWrittenS2(l2);
        _hand3 = new HandWrittenS3(l3);
        _hand4 = new HandWrittenS4(l4);
        _hand5 = new HandWrittenS5(l5);
        (_tp1, _tp2, _tp3, _tp4, _tp5) = (new(l1), new(l2), new(l3), new(l4), new(l5));
        (_naive1, _naive2, _naive3, _naive4, _naive5) = (new(l1), new(l2), new(l3), new(l4), new(l5));
        _x1 = Shapes.RandomArray(S1Net.InputSize, 1);
        _x2 = Shapes.RandomArray(S2Net.InputSize, 2);
        _x3 = Shapes.RandomArray(S3Net.InputSize, 3, 0f, 1f);
        _x4 = Shapes.RandomArray(S4Net.InputSize, 4, 0f, 1f);
        _x5 = Shapes.RandomArray(S5Net.InputSize, 5);
        _y1 = new float[S1Net.OutputSize];
        _y2 = new float[S2Net.OutputSize];
        _y3 = new float[S3Net.OutputSize];
        _y4 = new float[S4Net.OutputSize];
        _y5 = new float[S5Net.OutputSize];
    }

    // ---- S1: 4-10(ReLU)-3(Softmax)

    [Benchmark(Baseline = true), BenchmarkCategory("S1 4-10-3")]
    public void S1_HandWrittenVector512() => _hand1.Predict(_x1, _y1);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_Generated() => _s1.Predict(_x1, _y1);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_TensorPrimitives() => _tp1.Predict(_x1, _y1);

    [Benchmark, BenchmarkCategory("S1 4-10-3")]
    public void S1_NaiveScalar() => _naive1.Predict(_x1, _y1);

    // ---- S2: 16-64(tanh)-64(tanh)-8

    [Benchmark(Baseline = true), BenchmarkCategory("S2 16-64-64-8")]
    public void S2_HandWrittenVector512() => _hand2.Predict(_x2, _y2);

    [Benchmark, BenchmarkCategory("S2 16-64-64-8")]
    public void S2_Generated() => _s2.Predict(_x2, _y2);

    [Benchmark, BenchmarkCategory("S2 16-64-64-8")]
    public void S2_TensorPrimitives() => _tp2.Predict(_x2, _y2);

    [Benchmark, BenchmarkCategory("S2 16-64-64-8")]
    public void S2_NaiveScalar() => _naive2.Predict(_x2, _y2);

    // ---- S3: 784-128(ReLU)-10(Softmax)

    [Benchmark(Baseline = true), BenchmarkCategory("S3 784-128-10")]
    public void S3_HandWrittenVector512() => _hand3.Predict(_x3, _y3);

    [Benchmark, BenchmarkCategory("S3 784-128-10")]
    public void S3_Generated() => _s3.Predict(_x3, _y3);

    [Benchmark, BenchmarkCategory("S3 784-128-10")]
    public void S3_TensorPrimitives() => _tp3.Predict(_x3, _y3);

    [Benchmark, BenchmarkCategory("S3 784-128-10")]
    public void S3_NaiveScalar() => _naive3.Predict(_x3, _y3);

    // ---- S4: 784-128(ReLU)-64(ReLU)-10(Softmax)

    [Benchmark(Baseline = true), BenchmarkCategory("S4 784-128-64-10")]
    public void S4_HandWrittenVector512() => _hand4.Predict(_x4, _y4);

    [Benchmark, BenchmarkCategory("S4 784-128-64-10")]
    public void S4_Generated() => _s4.Predict(_x4, _y4);

    [Benchmark, BenchmarkCategory("S4 784-128-64-10")]
    public void S4_TensorPrimitives() => _tp4.Predict(_x4, _y4);

    [Benchmark, BenchmarkCategory("S4 784-128-64-10")]
    public void S4_NaiveScalar() => _naive4.Predict(_x4, _y4);

    // ---- S5: 256-512(ReLU)-512(ReLU)-10(Softmax)

    [Benchmark(Baseline = true), BenchmarkCategory("S5 256-512-512-10")]
    public void S5_HandWrittenVector512() => _hand5.Predict(_x5, _y5);

    [Benchmark, BenchmarkCategory("S5 256-512-512-10")]
    public void S5_Generated() => _s5.Predict(_x5, _y5);

    [Benchmark, BenchmarkCategory("S5 256-512-512-10")]
    public void S5_TensorPrimitives() => _tp5.Predict(_x5, _y5);

    [Benchmark, BenchmarkCategory("S5 256-512-512-10")]
    public void S5_NaiveScalar() => _naive5.Predict(_x5, _y5);
}
