using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using StaticNN.Optimizers;

namespace StaticNN.Benchmarks;

/// <summary>
/// C1 and L5 whole: batch-1 <c>Predict</c> and one batch-32 training step (ComputeGradients + Adam.Step). GFLOP/s counts
/// the useful convolution and dense multiply-adds (<see cref="ConvolutionFlops"/>). Run with PeakFlopsBenchmark for the
/// peak of the same run: <c>--filter *Convolution* *PeakFlops*</c>.
/// </summary>
[MemoryDiagnoser]
public class ConvolutionNetworkBenchmarks
{
    private const int TrainingBatch = 32;
    private C1Net _c1 = null!;
    private L5Net _l5 = null!;
    private float[] _input = null!, _output = null!, _batch = null!;
    private int[] _labels = null!;
    private float[] _gradientsC1 = null!, _gradientsL5 = null!;
    private Adam _adamC1 = null!, _adamL5 = null!;

    public static double FlopsPerOperation(string method, ParameterInstances parameters) => method[3..] == "Predict"
        ? ConvolutionFlops.Forward(method[..2], 1)
        : ConvolutionFlops.Gradients(method[..2], TrainingBatch);

    [GlobalSetup]
    public void Setup()
    {
        _c1 = new C1Net(Shapes.Seed);
        _l5 = new L5Net(Shapes.Seed);
        _input = Shapes.RandomArray(784, 3, 0f, 1f);
        _output = new float[10];
        _batch = Shapes.RandomArray(TrainingBatch * 784, 11, 0f, 1f);
        _labels = Shapes.RandomLabels(TrainingBatch, 10, 12);
        _gradientsC1 = new float[C1Net.ParameterBlockLength];
        _gradientsL5 = new float[L5Net.ParameterBlockLength];
        _adamC1 = new Adam(1e-3f);
        _adamL5 = new Adam(1e-3f);
    }

    [Benchmark]
    public void C1_Predict() => _c1.Predict(_input, _output);

    [Benchmark]
    public float C1_TrainStep()
    {
        float loss = _c1.ComputeGradients(_batch, _labels, _gradientsC1);
        _adamC1.Step(_c1.Parameters, _gradientsC1);
        return loss;
    }

    [Benchmark]
    public void L5_Predict() => _l5.Predict(_input, _output);

    [Benchmark]
    public float L5_TrainStep()
    {
        float loss = _l5.ComputeGradients(_batch, _labels, _gradientsL5);
        _adamL5.Step(_l5.Parameters, _gradientsL5);
        return loss;
    }
}

/// <summary>
/// Each convolution layer of C1 and L5 alone, through its generated kernel (<see cref="ConvolutionLayer"/>): forward at
/// batch 1 and 32, weight and input gradient at batch 32. Compare the GFLOP/s column with PeakFlopsBenchmark's in the
/// same run: <c>--filter *Convolution* *PeakFlops*</c>.
/// </summary>
public class ConvolutionLayerBenchmarks
{
    private ConvolutionLayer _layer = null!;

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    [Params(1, 32)]
    public int Batch { get; set; }

    public static string[] Layers => ConvolutionLayer.Names;

    /// <summary>The layer's useful FLOPs times the batch; NaN for the input gradient of a first layer, which has none.</summary>
    public static double FlopsPerOperation(string method, ParameterInstances parameters)
    {
        string layer = (string)parameters[nameof(Layer)];
        return method == nameof(InputGradient) && ConvolutionLayer.IsFirst(layer)
            ? double.NaN
            : ConvolutionLayer.FlopsPerSampleOf(layer) * Flops.IntParameter(parameters, nameof(Batch));
    }

    [GlobalSetup]
    public void Setup() => _layer = ConvolutionLayer.Create(Layer);

    [Benchmark]
    public void Forward() => _layer.Forward(Batch);

    [Benchmark]
    public void WeightGradient() => _layer.WeightGradient(Batch);

    [Benchmark]
    public void InputGradient()
    {
        if (_layer.InputGradient is { } gradient)
        {
            gradient(Batch);
        }
    }
}
