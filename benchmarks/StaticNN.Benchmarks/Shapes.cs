using System;
using System.Collections.Generic;

namespace StaticNN.Benchmarks;

/// <summary>One dense layer in the logical (PyTorch) layout: <c>weight[out, in]</c> row-major, then <c>bias[out]</c>.</summary>
public sealed record LayerWeights(int Inputs, int Outputs, Activation Activation, float[] Weight, float[] Bias);

/// <summary>
/// Creates the generated networks of the five shapes with reproducible weights, and copies their weights out in the
/// logical layout so that every baseline computes exactly the same function.
/// </summary>
public static class Shapes
{
    public const int Seed = 42;

    public static S1Net CreateS1() => WithRandomBiases(new S1Net(Seed));

    public static S2Net CreateS2() => WithRandomBiases(new S2Net(Seed));

    public static S3Net CreateS3() => WithRandomBiases(new S3Net(Seed));

    public static S4Net CreateS4() => WithRandomBiases(new S4Net(Seed));

    public static S5Net CreateS5() => WithRandomBiases(new S5Net(Seed));

    /// <summary>Every layer's weights and bias, in PyTorch's layout, read through <c>GetLayerParameters</c>.</summary>
    public static IReadOnlyList<LayerWeights> GetLayers<TNet>(TNet net) where TNet : class, ITrainableNetwork<TNet>
    {
        var layers = new List<LayerWeights>(TNet.LayerCount);
        for (int l = 0; l < TNet.LayerCount; l++)
        {
            LayerInfo info = TNet.GetLayerInfo(l);
            var weight = new float[info.WeightCount];
            var bias = new float[info.BiasCount];
            net.GetLayerParameters(l, weight, bias);
            if (!info.HasBias)
            {
                bias = new float[info.OutputSize];
            }

            layers.Add(new LayerWeights(info.InputSize, info.OutputSize, info.Activation, weight, bias));
        }

        return layers;
    }

    /// <summary>Uniform random values in [min, max), reproducible.</summary>
    public static float[] RandomArray(int length, int seed, float min = -1f, float max = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = min + (max - min) * random.NextSingle();
        }

        return values;
    }

    /// <summary>Random class labels in [0, classes).</summary>
    public static int[] RandomLabels(int length, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(classes);
        }

        return labels;
    }

    // The generated constructors start biases at zero; give them random values so the benchmarks and the
    // verification exercise the bias path too.
    private static TNet WithRandomBiases<TNet>(TNet net) where TNet : class, ITrainableNetwork<TNet>
    {
        for (int l = 0; l < TNet.LayerCount; l++)
        {
            LayerInfo info = TNet.GetLayerInfo(l);
            var weight = new float[info.WeightCount];
            var bias = new float[info.BiasCount];
            net.GetLayerParameters(l, weight, bias);
            float[] random = RandomArray(bias.Length, 1000 + l, -0.1f, 0.1f);
            net.SetLayerParameters(l, weight, random);
        }

        return net;
    }
}
