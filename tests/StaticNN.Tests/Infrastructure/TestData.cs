using System;
using System.Linq;

namespace StaticNN.Tests.Infrastructure;

internal static class TestData
{
    public static float[] Uniform(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => low + (float)random.NextDouble() * (high - low)).ToArray();
    }

    /// <summary>Sets every layer's weights to U(-scale/sqrt(in), scale/sqrt(in)) and biases to U(-0.5, 0.5), from a seed.</summary>
    public static T Randomized<T>(int seed, float scale = 1.5f) where T : class, ITrainableNetwork<T>, new()
    {
        var network = new T();
        for (int l = 0; l < T.LayerCount; l++)
        {
            LayerInfo info = T.GetLayerInfo(l);
            // Fan-in: the inputs of one output (a convolution's window times its channels).
            int fanIn = info.Kind is LayerKind.Conv2D or LayerKind.Conv1D ? info.WeightCount / info.OutputShape.D0 : info.InputSize;
            float limit = scale / MathF.Sqrt(fanIn);
            network.SetLayerParameters(l, Uniform(info.WeightCount, seed * 31 + l, -limit, limit), Uniform(info.BiasCount, seed * 37 + l, -0.5f, 0.5f));
        }
        return network;
    }

    /// <summary>Targets that suit the network's loss: one-hot for CrossEntropy, 0/1 for BinaryCrossEntropy, values otherwise.</summary>
    public static float[] Targets<T>(int count, int seed, out int[] labels) where T : class, ITrainableNetwork<T>
    {
        var random = new Random(seed);
        int outputs = T.OutputSize;
        var targets = new float[count * outputs];
        labels = new int[count];
        for (int m = 0; m < count; m++)
        {
            labels[m] = random.Next(outputs == 1 ? 2 : outputs);
            for (int j = 0; j < outputs; j++)
            {
                targets[m * outputs + j] = T.Loss switch
                {
                    Loss.CrossEntropy => j == labels[m] ? 1f : 0f,
                    Loss.BinaryCrossEntropy => outputs == 1 ? labels[m] : random.Next(2),
                    _ => (float)(random.NextDouble() * 2 - 1),
                };
            }
        }
        return targets;
    }
}
