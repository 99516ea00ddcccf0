using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using StaticNN.Optimizers;

namespace StaticNN.Benchmarks.PeerTiming;

/// <summary>
/// <c>--timing --parts cnn</c>: C1 and L5 as PyTorch's side times them (<c>pytorch_bench.py --only cnn</c>): batch-1
/// <c>Predict</c> (the same input every call) and one batch-32 training step (ComputeGradients + Adam.Step on a fixed
/// random batch); then each convolution layer's kernels alone (<see cref="ConvolutionLayer"/>), as GFLOP/s and as a
/// fraction of this core's FMA peak, measured in this process just before (<see cref="PeakFlopsBenchmark"/>'s loop of
/// 12 independent Vector512 FMAs; without AVX-512 the fraction is left out).
/// </summary>
public static class ConvolutionTiming
{
    private const int TrainingBatch = 32;

    public sealed record NetworkRow(string Network, CallTiming Predict, CallTiming TrainStep);

    public sealed record LayerRow(string Layer, string Pass, int Batch, double MedianNanoseconds, double Gflops);

    public sealed record Result(double PeakGflops, List<NetworkRow> Networks, List<LayerRow> Layers)
    {
        public void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject("cnn");
            w.WriteNumber("peak_gflops", PeakGflops);
            w.WriteNumber("training_batch", TrainingBatch);
            w.WriteStartArray("networks");
            foreach (NetworkRow r in Networks)
            {
                w.WriteStartObject();
                w.WriteString("network", r.Network);
                w.WriteString("implementation", "generated");
                w.WriteNumber("threads", 1);
                w.WriteNumber("predict_median_ns", r.Predict.PerCallMedian);
                w.WriteNumber("predict_p99_ns", r.Predict.PerCallP99);
                w.WriteNumber("predict_loop_median_ns", r.Predict.LoopMedian);
                w.WriteNumber("train_step_median_ns", r.TrainStep.PerCallMedian);
                w.WriteNumber("train_samples_per_second", TrainingBatch / (r.TrainStep.PerCallMedian * 1e-9));
                w.WriteNumber("train_steps", r.TrainStep.Calls);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("layers");
            foreach (LayerRow r in Layers)
            {
                w.WriteStartObject();
                w.WriteString("layer", r.Layer);
                w.WriteString("pass", r.Pass);
                w.WriteNumber("batch", r.Batch);
                w.WriteNumber("median_ns", r.MedianNanoseconds);
                w.WriteNumber("gflops", r.Gflops);
                if (PeakGflops > 0)
                {
                    w.WriteNumber("fraction_of_peak", r.Gflops / PeakGflops);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    internal static Result Measure(PeerTimingMode.TimingSettings t)
    {
        Console.WriteLine();
        double peak = 0;
        if (Avx512F.IsSupported)
        {
            CallTiming fma = t.Measure(new PeakCall());
            peak = PeakFlopsBenchmark.Fma12Flops / fma.PerCallMedian;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FMA peak (12 independent Vector512 FMA chains): {peak:F1} GFLOP/s"));
        }

        Console.WriteLine($"C1 and L5: batch-1 Predict (ns: median / p99, loop median) and batch-{TrainingBatch} training step (ComputeGradients + Adam)");
        float[] x = Shapes.RandomArray(784, 3, 0f, 1f), y = new float[10];
        float[] batch = Shapes.RandomArray(TrainingBatch * 784, 11, 0f, 1f);
        int[] labels = Shapes.RandomLabels(TrainingBatch, 10, 12);
        var networks = new List<NetworkRow>();
        var c1 = new C1Net(Shapes.Seed);
        networks.Add(Network("C1", t.Measure(new C1PredictCall(c1, x, y)),
            t.Measure(new C1TrainStepCall(c1, batch, labels, new float[C1Net.ParameterBlockLength], new Adam(1e-3f)))));
        var l5 = new L5Net(Shapes.Seed);
        networks.Add(Network("L5", t.Measure(new L5PredictCall(l5, x, y)),
            t.Measure(new L5TrainStepCall(l5, batch, labels, new float[L5Net.ParameterBlockLength], new Adam(1e-3f)))));

        Console.WriteLine($"Convolution layers alone (generated kernels, {(Avx512F.IsSupported ? "Vector512" : "Vector256")}): median per call, GFLOP/s (useful), % of peak");
        var layers = new List<LayerRow>();
        foreach (ConvolutionLayer layer in ConvolutionLayer.All())
        {
            Layer(layers, t, peak, layer, "forward", 1, layer.Forward);
            Layer(layers, t, peak, layer, "forward", TrainingBatch, layer.Forward);
            Layer(layers, t, peak, layer, "weight gradient", TrainingBatch, layer.WeightGradient);
            if (layer.InputGradient is { } inputGradient)
            {
                Layer(layers, t, peak, layer, "input gradient", TrainingBatch, inputGradient);
            }
        }

        return new Result(peak, networks, layers);
    }

    private static NetworkRow Network(string name, CallTiming predict, CallTiming step)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}  Predict {predict.PerCallMedian,10:F1} / {predict.PerCallP99,10:F1}   loop {predict.LoopMedian,10:F1}   "
            + $"train step {step.PerCallMedian / 1000,9:F1} us = {TrainingBatch / (step.PerCallMedian * 1e-9),8:N0} samples/s"));
        return new NetworkRow(name, predict, step);
    }

    private static void Layer(List<LayerRow> rows, PeerTimingMode.TimingSettings t, double peak, ConvolutionLayer layer, string pass, int batch, Action<int> kernel)
    {
        CallTiming timing = t.Measure(new KernelCall(kernel, batch));
        double gflops = layer.FlopsPerSample * batch / timing.PerCallMedian;
        rows.Add(new LayerRow(layer.Name, pass, batch, timing.PerCallMedian, gflops));
        string share = peak > 0 ? string.Create(CultureInfo.InvariantCulture, $"{gflops / peak,6:P0}") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {layer.Name}  {pass,-15} batch {batch,2}  {timing.PerCallMedian / 1000,9:F2} us  {gflops,7:F1} GFLOP/s  {share}"));
    }

    private readonly struct PeakCall : ITimedCall
    {
        public void Invoke() => PeakFlopsBenchmark.Fma12(Vector512.Create(0.999_999f), Vector512.Create(1e-6f));
    }

    private readonly struct KernelCall(Action<int> kernel, int batch) : ITimedCall
    {
        public void Invoke() => kernel(batch);
    }

    private readonly struct C1PredictCall(C1Net net, float[] x, float[] y) : ITimedCall
    {
        public void Invoke() => net.Predict(x, y);
    }

    private readonly struct L5PredictCall(L5Net net, float[] x, float[] y) : ITimedCall
    {
        public void Invoke() => net.Predict(x, y);
    }

    private readonly struct C1TrainStepCall(C1Net net, float[] x, int[] labels, float[] gradients, Adam adam) : ITimedCall
    {
        public void Invoke()
        {
            net.ComputeGradients(x, labels, gradients);
            adam.Step(net.Parameters, gradients);
        }
    }

    private readonly struct L5TrainStepCall(L5Net net, float[] x, int[] labels, float[] gradients, Adam adam) : ITimedCall
    {
        public void Invoke()
        {
            net.ComputeGradients(x, labels, gradients);
            adam.Step(net.Parameters, gradients);
        }
    }
}
