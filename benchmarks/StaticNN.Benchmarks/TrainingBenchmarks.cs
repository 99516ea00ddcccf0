using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using StaticNN.Benchmarks.Baselines;
using StaticNN.Optimizers;

namespace StaticNN.Benchmarks;

/// <summary>
/// Training throughput of S3, S4 and S5: one <c>ComputeGradients</c> call (forward, fused softmax + cross-entropy with
/// class-index labels, backward) on a random batch, and a full step (ComputeGradients + Adam.Step over the whole
/// parameter block). GFLOP/s counts only the matrix products of ComputeGradients (see <see cref="Flops.Gradients"/>);
/// for TrainStep the same count is used, so its GFLOP/s shows what the optimizer pass costs on top.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private S3Net _s3 = null!;
    private S4Net _s4 = null!;
    private S5Net _s5 = null!;
    private float[] _inputs = null!;
    private float[] _inputs5 = null!;
    private int[] _labels = null!;
    private float[] _gradients3 = null!, _gradients4 = null!, _gradients5 = null!;
    private Adam _adam3 = null!, _adam4 = null!, _adam5 = null!;

    [Params(32, 128)]
    public int Batch { get; set; }

    public static double FlopsPerOperation(string method, ParameterInstances parameters)
    {
        int batch = Flops.IntParameter(parameters, nameof(Batch));
        (int In, int Out)[] layers = method[..2] switch
        {
            "S3" => Flops.S3,
            "S4" => Flops.S4,
            _ => Flops.S5,
        };
        return Flops.Gradients(layers, batch);
    }

    [GlobalSetup]
    public void Setup()
    {
        _s3 = Shapes.CreateS3();
        _s4 = Shapes.CreateS4();
        _s5 = Shapes.CreateS5();
        _inputs = Shapes.RandomArray(Batch * 784, 11, 0f, 1f);
        _inputs5 = Shapes.RandomArray(Batch * S5Net.InputSize, 13);
        _labels = Shapes.RandomLabels(Batch, 10, 12);
        _gradients3 = new float[S3Net.ParameterBlockLength];
        _gradients4 = new float[S4Net.ParameterBlockLength];
        _gradients5 = new float[S5Net.ParameterBlockLength];
        _adam3 = new Adam(1e-3f);
        _adam4 = new Adam(1e-3f);
        _adam5 = new Adam(1e-3f);
    }

    [Benchmark]
    public float S3_ComputeGradients() => _s3.ComputeGradients(_inputs, _labels, _gradients3);

    [Benchmark]
    public float S3_TrainStep()
    {
        float loss = _s3.ComputeGradients(_inputs, _labels, _gradients3);
        _adam3.Step(_s3.Parameters, _gradients3);
        return loss;
    }

    [Benchmark]
    public float S4_ComputeGradients() => _s4.ComputeGradients(_inputs, _labels, _gradients4);

    [Benchmark]
    public float S4_TrainStep()
    {
        float loss = _s4.ComputeGradients(_inputs, _labels, _gradients4);
        _adam4.Step(_s4.Parameters, _gradients4);
        return loss;
    }

    [Benchmark]
    public float S5_ComputeGradients() => _s5.ComputeGradients(_inputs5, _labels, _gradients5);

    [Benchmark]
    public float S5_TrainStep()
    {
        float loss = _s5.ComputeGradients(_inputs5, _labels, _gradients5);
        _adam5.Step(_s5.Parameters, _gradients5);
        return loss;
    }
}

/// <summary>
/// Batched inference of S3: the generated <c>PredictBatch</c> (register-blocked kernels, 6 rows x 64 outputs) against
/// a loop of batch-1 calls, generated and hand-written (the baseline). GFLOP/s counts the forward matrix products.
/// </summary>
[MemoryDiagnoser]
public class BatchPredictBenchmarks
{
    private S3Net _s3 = null!;
    private HandWrittenS3 _hand3 = null!;
    private float[] _inputs = null!;
    private float[] _outputs = null!;

    [Params(1, 32, 256)]
    public int Batch { get; set; }

    public static double FlopsPerOperation(string method, ParameterInstances parameters) =>
        Flops.Forward(Flops.S3, Flops.IntParameter(parameters, nameof(Batch)));

    [GlobalSetup]
    public void Setup()
    {
        _s3 = Shapes.CreateS3();
        _hand3 = new HandWrittenS3(Shapes.GetLayers(_s3));
        _inputs = Shapes.RandomArray(Batch * S3Net.InputSize, 21, 0f, 1f);
        _outputs = new float[Batch * S3Net.OutputSize];
    }

    [Benchmark(Baseline = true)]
    public void S3_HandWrittenPredictLoop()
    {
        for (int r = 0; r < Batch; r++)
        {
            _hand3.Predict(_inputs.AsSpan(r * S3Net.InputSize, S3Net.InputSize), _outputs.AsSpan(r * S3Net.OutputSize, S3Net.OutputSize));
        }
    }

    [Benchmark]
    public void S3_GeneratedPredictLoop()
    {
        for (int r = 0; r < Batch; r++)
        {
            _s3.Predict(_inputs.AsSpan(r * S3Net.InputSize, S3Net.InputSize), _outputs.AsSpan(r * S3Net.OutputSize, S3Net.OutputSize));
        }
    }

    [Benchmark]
    public void S3_GeneratedPredictBatch() => _s3.PredictBatch(_inputs, _outputs);
}
