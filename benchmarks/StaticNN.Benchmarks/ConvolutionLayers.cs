using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics.X86;
using StaticNN.Generated;

namespace StaticNN.Benchmarks;

/// <summary>
/// The convolution layers of C1 and L5, called through their generated kernels directly (the widest path this machine
/// has: Vector512 with AVX-512F, else Vector256), so that a layer's GFLOP/s is the kernel's own and not diluted by the
/// pooling, layout and dense work around it. FLOPs are the useful ones of the layer as declared (2 x output positions x
/// filters x kernel height x width x input channels per sample), the same count for forward, weight gradient and
/// input gradient: work spent on padded channels (L5's 6 filters are stored as 16) or on the zeros of a dilated delta
/// does not count. Buffers hold 32 samples of uniform [0, 1) values; a kernel only reads and writes what its
/// sizes say.
/// </summary>
public sealed class ConvolutionLayer
{
    private const int MaxBatch = 32;
    private const int BufferFloats = MaxBatch * 32_768;

    private ConvolutionLayer(string name, double flopsPerSample, Action<int> forward, Action<int> weightGradient, Action<int>? inputGradient)
    {
        Name = name;
        FlopsPerSample = flopsPerSample;
        Forward = forward;
        WeightGradient = weightGradient;
        InputGradient = inputGradient;
    }

    /// <summary>"C1 conv1" ... "L5 conv2".</summary>
    public string Name { get; }

    public double FlopsPerSample { get; }

    /// <summary>Forward of <c>count</c> samples: convolution, bias and activation.</summary>
    public Action<int> Forward { get; }

    /// <summary>Kernel gradient of <c>count</c> samples.</summary>
    public Action<int> WeightGradient { get; }

    /// <summary>Input gradient of <c>count</c> samples (from the dilated delta and the flipped kernel); null for a first layer, which needs none.</summary>
    public Action<int>? InputGradient { get; }

    public static readonly string[] Names = ["C1 conv1", "C1 conv2", "L5 conv1", "L5 conv2"];

    /// <summary>Useful FLOPs per sample of a layer: 2 x output positions x filters x kernel area x input channels.</summary>
    public static double FlopsPerSampleOf(string name) => name switch
    {
        "C1 conv1" => 2.0 * (26 * 26) * 32 * (3 * 3) * 1,
        "C1 conv2" => 2.0 * (11 * 11) * 64 * (3 * 3) * 32,
        "L5 conv1" => 2.0 * (24 * 24) * 6 * (5 * 5) * 1,
        "L5 conv2" => 2.0 * (8 * 8) * 16 * (5 * 5) * 6,
        _ => throw new ArgumentException($"Unknown layer '{name}'; one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Whether the layer is its network's first (no input gradient).</summary>
    public static bool IsFirst(string name) => name.EndsWith("conv1", StringComparison.Ordinal);

    public static ConvolutionLayer Create(string name)
    {
        float[] a = Buffer(1), b = Buffer(2), bias = Buffer(3), c = Buffer(4), d = Buffer(5);
        bool wide = Avx512F.IsSupported;
        return name switch
        {
            "C1 conv1" => new(name, FlopsPerSampleOf(name),
                n => { if (wide) StaticNN_Benchmarks_C1NetKernels.Layer0ForwardVector512(ref a[0], ref b[0], ref bias[0], ref c[0], n); else StaticNN_Benchmarks_C1NetKernels.Layer0ForwardVector256(ref a[0], ref b[0], ref bias[0], ref c[0], n); },
                n => { if (wide) StaticNN_Benchmarks_C1NetKernels.Layer0WeightGradientVector512(ref a[0], ref c[0], ref d[0], n); else StaticNN_Benchmarks_C1NetKernels.Layer0WeightGradientVector256(ref a[0], ref c[0], ref d[0], n); },
                null),
            "C1 conv2" => new(name, FlopsPerSampleOf(name),
                n => { if (wide) StaticNN_Benchmarks_C1NetKernels.Layer2ForwardVector512(ref a[0], ref b[0], ref bias[0], ref c[0], n); else StaticNN_Benchmarks_C1NetKernels.Layer2ForwardVector256(ref a[0], ref b[0], ref bias[0], ref c[0], n); },
                n => { if (wide) StaticNN_Benchmarks_C1NetKernels.Layer2WeightGradientVector512(ref a[0], ref c[0], ref d[0], n); else StaticNN_Benchmarks_C1NetKernels.Layer2WeightGradientVector256(ref a[0], ref c[0], ref d[0], n); },
                n => { if (wide) StaticNN_Benchmarks_C1NetKernels.Layer2InputGradientVector512(ref c[0], ref b[0], ref a[0], n); else StaticNN_Benchmarks_C1NetKernels.Layer2InputGradientVector256(ref c[0], ref b[0], ref a[0], n); }),
            "L5 conv1" => new(name, FlopsPerSampleOf(name),
                n => { if (wide) StaticNN_Benchmarks_L5NetKernels.Layer0ForwardVector512(ref a[0], ref b[0], ref bias[0], ref c[0], n); else StaticNN_Benchmarks_L5NetKernels.Layer0ForwardVector256(ref a[0], ref b[0], ref bias[0], ref c[0], n); },
                n => { if (wide) StaticNN_Benchmarks_L5NetKernels.Layer0WeightGradientVector512(ref a[0], ref c[0], ref d[0], n); else StaticNN_Benchmarks_L5NetKernels.Layer0WeightGradientVector256(ref a[0], ref c[0], ref d[0], n); },
                null),
            "L5 conv2" => new(name, FlopsPerSampleOf(name),
                n => { if (wide) StaticNN_Benchmarks_L5NetKernels.Layer2ForwardVector512(ref a[0], ref b[0], ref bias[0], ref c[0], n); else StaticNN_Benchmarks_L5NetKernels.Layer2ForwardVector256(ref a[0], ref b[0], ref bias[0], ref c[0], n); },
                n => { if (wide) StaticNN_Benchmarks_L5NetKernels.Layer2WeightGradientVector512(ref a[0], ref c[0], ref d[0], n); else StaticNN_Benchmarks_L5NetKernels.Layer2WeightGradientVector256(ref a[0], ref c[0], ref d[0], n); },
                n => { if (wide) StaticNN_Benchmarks_L5NetKernels.Layer2InputGradientVector512(ref c[0], ref b[0], ref a[0], n); else StaticNN_Benchmarks_L5NetKernels.Layer2InputGradientVector256(ref c[0], ref b[0], ref a[0], n); }),
            _ => throw new ArgumentException($"Unknown layer '{name}'; one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    public static IEnumerable<ConvolutionLayer> All()
    {
        foreach (string name in Names)
        {
            yield return Create(name);
        }
    }

    private static float[] Buffer(int seed) => Shapes.RandomArray(BufferFloats, 100 + seed, 0f, 1f);
}

/// <summary>FLOP counts of the convolutional networks C1 and L5 (useful multiply-adds of the convolutions and dense layers).</summary>
public static class ConvolutionFlops
{
    // Per sample: (first-layer FLOPs, the other layers' FLOPs) of the forward pass.
    private static readonly (double First, double Others) C1 = (2.0 * 676 * 32 * 9, 2.0 * 121 * 64 * 288 + 2.0 * 1600 * 128 + 2.0 * 128 * 10);
    private static readonly (double First, double Others) L5 = (2.0 * 576 * 6 * 25, 2.0 * 64 * 16 * 150 + 2.0 * 256 * 120 + 2.0 * 120 * 84 + 2.0 * 84 * 10);

    private static (double First, double Others) Of(string network) => network switch
    {
        "C1" => C1,
        "L5" => L5,
        _ => throw new ArgumentException($"Unknown network '{network}'.", nameof(network)),
    };

    public static double Forward(string network, int batch) => batch * (Of(network).First + Of(network).Others);

    /// <summary>Forward + weight gradients of every layer + input gradients of every layer but the first.</summary>
    public static double Gradients(string network, int batch) => batch * (2 * Of(network).First + 3 * Of(network).Others);
}
