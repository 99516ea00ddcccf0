using System;
using System.Linq;

namespace StaticNN.Tests.Infrastructure;

/// <summary>A plain double-precision implementation of a dense network: the oracle for forward and gradient checks.</summary>
internal sealed class Reference
{
    public Reference(LayerInfo[] infos, double[][] weights, double[][] biases, Loss loss)
    {
        Infos = infos;
        Weights = weights;
        Biases = biases;
        Loss = loss;
    }

    public LayerInfo[] Infos { get; }
    public double[][] Weights { get; }   // [layer][out * in]
    public double[][] Biases { get; }    // [layer][out] (empty without bias)
    public Loss Loss { get; }

    public Activation LastActivation => Infos[^1].Activation;

    public static Reference Of<T>(T network) where T : class, ITrainableNetwork<T>
    {
        var infos = Enumerable.Range(0, T.LayerCount).Select(T.GetLayerInfo).ToArray();
        var weights = new double[infos.Length][];
        var biases = new double[infos.Length][];
        for (int l = 0; l < infos.Length; l++)
        {
            var w = new float[infos[l].WeightCount];
            var b = new float[infos[l].BiasCount];
            network.GetLayerParameters(l, w, b);
            weights[l] = w.Select(v => (double)v).ToArray();
            biases[l] = b.Select(v => (double)v).ToArray();
        }
        return new Reference(infos, weights, biases, T.Loss);
    }

    public Reference Clone() => new(Infos, Weights.Select(w => (double[])w.Clone()).ToArray(), Biases.Select(b => (double[])b.Clone()).ToArray(), Loss);

    /// <summary>Forward pass of one sample: returns the outputs (after the last activation) and the last pre-activation.</summary>
    public double[] Forward(ReadOnlySpan<float> input, out double[] lastPreActivation)
    {
        double[] a = new double[input.Length];
        for (int i = 0; i < input.Length; i++) a[i] = input[i];
        lastPreActivation = a;
        for (int l = 0; l < Infos.Length; l++)
        {
            LayerInfo info = Infos[l];
            var z = new double[info.OutputSize];
            for (int o = 0; o < info.OutputSize; o++)
            {
                double sum = info.HasBias ? Biases[l][o] : 0;
                for (int i = 0; i < info.InputSize; i++) sum += Weights[l][o * info.InputSize + i] * a[i];
                z[o] = sum;
            }
            lastPreActivation = z;
            a = info.Activation == Activation.Softmax ? Softmax(z) : z.Select(v => Activate(info.Activation, info.Alpha, v)).ToArray();
        }
        return a;
    }

    /// <summary>Mean loss over a batch, with StaticNN's documented semantics.</summary>
    public double MeanLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count)
    {
        int inSize = Infos[0].InputSize, outSize = Infos[^1].OutputSize;
        double total = 0;
        for (int m = 0; m < count; m++)
        {
            double[] y = Forward(inputs.Slice(m * inSize, inSize), out double[] z);
            ReadOnlySpan<float> t = targets.Slice(m * outSize, outSize);
            total += SampleLoss(y, z, t);
        }
        return Loss is Loss.CrossEntropy ? total / count : total / (count * (double)outSize);
    }

    private double SampleLoss(double[] y, double[] z, ReadOnlySpan<float> t)
    {
        switch (Loss)
        {
            case Loss.MeanSquaredError:
                double mse = 0;
                for (int j = 0; j < y.Length; j++) mse += (y[j] - t[j]) * (y[j] - t[j]);
                return mse;
            case Loss.MeanAbsoluteError:
                double mae = 0;
                for (int j = 0; j < y.Length; j++) mae += Math.Abs(y[j] - t[j]);
                return mae;
            case Loss.BinaryCrossEntropy:
            {
                double[] logits = LastActivation == Activation.Sigmoid ? z : y;
                double sum = 0;
                for (int j = 0; j < logits.Length; j++)
                {
                    double x = logits[j];
                    sum += Math.Max(x, 0) - x * t[j] + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                }
                return sum;
            }
            default:
            {
                double[] logits = LastActivation == Activation.Softmax ? z : y;
                double max = logits.Max();
                double lse = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                double sum = 0;
                for (int j = 0; j < logits.Length; j++) sum += t[j] * (lse - logits[j]);
                return sum;
            }
        }
    }

    public static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    public static double Activate(Activation activation, double alpha, double x) => activation switch
    {
        Activation.Identity => x,
        Activation.ReLU => Math.Max(0, x),
        Activation.LeakyReLU => x > 0 ? x : alpha * x,
        Activation.ELU => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.GELU => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        Activation.SiLU => x / (1 + Math.Exp(-x)),
        Activation.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };
}
