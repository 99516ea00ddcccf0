using System;
using System.Linq;

namespace StaticNN.Tests.Infrastructure;

/// <summary>
/// A plain double-precision implementation of a network, every tensor in the logical (PyTorch, channels-first) order:
/// the oracle for forward and gradient checks. Convolutions are written as the textbook sum over the window with
/// zero padding, independently of the generated kernels' layout.
/// </summary>
internal sealed class Reference
{
    public Reference(LayerInfo[] infos, double[][] weights, double[][] biases, Loss loss, double[][]? runningMean = null, double[][]? runningVariance = null)
    {
        Infos = infos;
        Weights = weights;
        Biases = biases;
        Loss = loss;
        RunningMean = runningMean ?? infos.Select(_ => Array.Empty<double>()).ToArray();
        RunningVariance = runningVariance ?? infos.Select(_ => Array.Empty<double>()).ToArray();
    }

    public LayerInfo[] Infos { get; }
    public double[][] Weights { get; }   // [layer][out * in] (Dense) or [size] (normalization scale)
    public double[][] Biases { get; }    // [layer][out] (empty without bias)
    public double[][] RunningMean { get; }
    public double[][] RunningVariance { get; }
    public Loss Loss { get; }

    /// <summary>Dropout masks by layer (samples x size, values 0 or 1/(1-rate)) used in training mode; identity when absent.</summary>
    public System.Collections.Generic.Dictionary<int, float[]> Masks { get; } = new();

    public Activation LastActivation => Infos[^1].Kind is LayerKind.Dense or LayerKind.Activation ? Infos[^1].Activation : Activation.Identity;

    public static Reference Of<T>(T network) where T : class, ITrainableNetwork<T>
    {
        var infos = Enumerable.Range(0, T.LayerCount).Select(T.GetLayerInfo).ToArray();
        var weights = new double[infos.Length][];
        var biases = new double[infos.Length][];
        var means = new double[infos.Length][];
        var variances = new double[infos.Length][];
        for (int l = 0; l < infos.Length; l++)
        {
            var w = new float[infos[l].WeightCount];
            var b = new float[infos[l].BiasCount];
            network.GetLayerParameters(l, w, b);
            weights[l] = w.Select(v => (double)v).ToArray();
            biases[l] = b.Select(v => (double)v).ToArray();
            means[l] = [];
            variances[l] = [];
            if (infos[l].HasRunningStatistics)
            {
                var m = new float[infos[l].WeightCount];
                var v = new float[infos[l].WeightCount];
                network.GetLayerRunningStatistics(l, m, v);
                means[l] = m.Select(x => (double)x).ToArray();
                variances[l] = v.Select(x => (double)x).ToArray();
            }
        }
        return new Reference(infos, weights, biases, T.Loss, means, variances);
    }

    public Reference Clone()
    {
        var copy = new Reference(Infos, Weights.Select(w => (double[])w.Clone()).ToArray(), Biases.Select(b => (double[])b.Clone()).ToArray(), Loss,
            RunningMean.Select(m => (double[])m.Clone()).ToArray(), RunningVariance.Select(v => (double[])v.Clone()).ToArray());
        foreach (var (layer, mask) in Masks) copy.Masks[layer] = mask;
        return copy;
    }

    /// <summary>Inference forward pass of one sample: returns the outputs and the last layer's pre-activation (logits).</summary>
    public double[] Forward(ReadOnlySpan<float> input, out double[] lastPreActivation)
    {
        double[][] outputs = ForwardBatch(input, 1, training: false, out double[][] pre);
        lastPreActivation = pre[0];
        return outputs[0];
    }

    /// <summary>
    /// Forward pass of a batch. Training mode applies the dropout masks in <see cref="Masks"/> and normalises BatchNorm
    /// with the batch's statistics (biased variance); inference mode uses the running statistics and no dropout.
    /// </summary>
    public double[][] ForwardBatch(ReadOnlySpan<float> inputs, int count, bool training, out double[][] lastPreActivation)
    {
        int inputSize = Infos[0].InputSize;
        double[][] x = new double[count][];
        for (int m = 0; m < count; m++)
        {
            x[m] = new double[inputSize];
            for (int i = 0; i < inputSize; i++) x[m][i] = inputs[m * inputSize + i];
        }
        var outputs = new double[Infos.Length + 1][][]; // [0] = input, [l + 1] = output of layer l
        outputs[0] = x;
        lastPreActivation = x;
        for (int l = 0; l < Infos.Length; l++)
        {
            LayerInfo info = Infos[l];
            double[][] a = outputs[l];
            int n = info.OutputSize;
            double[][] pre = a;
            double[][] y = new double[count][];
            switch (info.Kind)
            {
                case LayerKind.Dense:
                    pre = new double[count][];
                    for (int m = 0; m < count; m++)
                    {
                        pre[m] = new double[n];
                        for (int o = 0; o < n; o++)
                        {
                            double sum = info.HasBias ? Biases[l][o] : 0;
                            for (int i = 0; i < info.InputSize; i++) sum += Weights[l][o * info.InputSize + i] * a[m][i];
                            pre[m][o] = sum;
                        }
                        y[m] = Activate(info, pre[m]);
                    }
                    break;
                case LayerKind.Activation:
                    for (int m = 0; m < count; m++) y[m] = Activate(info, a[m]);
                    break;
                case LayerKind.Dropout:
                    for (int m = 0; m < count; m++)
                    {
                        y[m] = (double[])a[m].Clone();
                        if (training && Masks.TryGetValue(l, out float[]? mask))
                        {
                            for (int j = 0; j < n; j++) y[m][j] *= mask[m * n + j];
                        }
                    }
                    break;
                case LayerKind.BatchNorm:
                {
                    // Per feature on a vector; per channel over every position of a spatial input (BatchNorm2d/1d).
                    (int channels, int positions) = info.OutputShape.Rank == 1 ? (n, 1) : (info.OutputShape.D0, n / info.OutputShape.D0);
                    for (int m = 0; m < count; m++) y[m] = new double[n];
                    for (int c = 0; c < channels; c++)
                    {
                        double mean, variance;
                        if (training)
                        {
                            mean = 0;
                            for (int m = 0; m < count; m++) for (int p = 0; p < positions; p++) mean += a[m][c * positions + p];
                            mean /= count * positions;
                            variance = 0;
                            for (int m = 0; m < count; m++) for (int p = 0; p < positions; p++) variance += Math.Pow(a[m][c * positions + p] - mean, 2);
                            variance /= count * positions;
                        }
                        else
                        {
                            mean = RunningMean[l][c];
                            variance = RunningVariance[l][c];
                        }
                        double inverse = 1 / Math.Sqrt(variance + info.Epsilon);
                        for (int m = 0; m < count; m++)
                        {
                            for (int p = 0; p < positions; p++)
                            {
                                int j = c * positions + p;
                                y[m][j] = Weights[l][c] * (a[m][j] - mean) * inverse + Biases[l][c];
                            }
                        }
                    }
                    break;
                }
                case LayerKind.Conv2D:
                case LayerKind.Conv1D:
                    pre = new double[count][];
                    for (int m = 0; m < count; m++)
                    {
                        pre[m] = Convolve(info, Weights[l], Biases[l], a[m]);
                        y[m] = pre[m].Select(v => Activate(info.Activation, info.Alpha, v)).ToArray();
                    }
                    break;
                case LayerKind.MaxPool2D:
                case LayerKind.AvgPool2D:
                case LayerKind.MaxPool1D:
                case LayerKind.AvgPool1D:
                case LayerKind.GlobalAveragePool2D:
                case LayerKind.GlobalAveragePool1D:
                    for (int m = 0; m < count; m++) y[m] = Pool(info, a[m]);
                    break;
                case LayerKind.Flatten:
                    for (int m = 0; m < count; m++) y[m] = (double[])a[m].Clone();
                    break;
                case LayerKind.LayerNorm:
                    for (int m = 0; m < count; m++)
                    {
                        double mean = a[m].Take(n).Average();
                        double variance = a[m].Take(n).Sum(v => (v - mean) * (v - mean)) / n;
                        double inverse = 1 / Math.Sqrt(variance + info.Epsilon);
                        y[m] = new double[n];
                        for (int j = 0; j < n; j++) y[m][j] = Weights[l][j] * (a[m][j] - mean) * inverse + Biases[l][j];
                    }
                    break;
                case LayerKind.Residual:
                    double[][] skip = outputs[info.ResidualSource + 1];
                    for (int m = 0; m < count; m++)
                    {
                        y[m] = new double[n];
                        for (int j = 0; j < n; j++) y[m][j] = a[m][j] + skip[m][j];
                    }
                    break;
            }
            outputs[l + 1] = y;
            lastPreActivation = info.Kind is LayerKind.Dense or LayerKind.Activation or LayerKind.Conv2D or LayerKind.Conv1D ? pre : y;
        }
        return outputs[Infos.Length];
    }

    /// <summary>(channels, height, width); (channels, 1, length) for a 1-D shape.</summary>
    public static (int Channels, int Height, int Width) Grid(TensorShape shape) =>
        shape.Rank == 3 ? (shape.D0, shape.D1, shape.D2) : shape.Rank == 2 ? (shape.D0, 1, shape.D1) : (shape.D0, 1, 1);

    /// <summary>Keras' Same padding before the input on one axis: half of max((out - 1) * stride + kernel - in, 0), rounded down.</summary>
    public static int SameBefore(int input, int output, int kernel, int stride) => Math.Max((output - 1) * stride + kernel - input, 0) / 2;

    /// <summary>pre[f, oh, ow] = b[f] + sum over c, i, j of w[f, c, i, j] * x[c, oh*s + i - top, ow*s + j - left] (zero outside).</summary>
    private static double[] Convolve(LayerInfo info, double[] w, double[] b, double[] x)
    {
        (int channels, int height, int width) = Grid(info.InputShape);
        (int filters, int outHeight, int outWidth) = Grid(info.OutputShape);
        int kh = info.KernelHeight, kw = info.KernelWidth, stride = info.Stride, strideHeight = info.StrideHeight;
        int top = info.Padding == Padding.Same ? SameBefore(height, outHeight, kh, strideHeight) : 0;
        int left = info.Padding == Padding.Same ? SameBefore(width, outWidth, kw, stride) : 0;
        var z = new double[filters * outHeight * outWidth];
        for (int f = 0; f < filters; f++)
        {
            for (int oh = 0; oh < outHeight; oh++)
            {
                for (int ow = 0; ow < outWidth; ow++)
                {
                    double sum = info.HasBias ? b[f] : 0;
                    for (int c = 0; c < channels; c++)
                    {
                        for (int i = 0; i < kh; i++)
                        {
                            int ih = oh * strideHeight + i - top;
                            if (ih < 0 || ih >= height) continue;
                            for (int j = 0; j < kw; j++)
                            {
                                int iw = ow * stride + j - left;
                                if (iw < 0 || iw >= width) continue;
                                sum += w[((f * channels + c) * kh + i) * kw + j] * x[(c * height + ih) * width + iw];
                            }
                        }
                    }
                    z[(f * outHeight + oh) * outWidth + ow] = sum;
                }
            }
        }
        return z;
    }

    /// <summary>Max or mean of each window per channel; a global pool is one window of the whole grid.</summary>
    private static double[] Pool(LayerInfo info, double[] x)
    {
        (int channels, int height, int width) = Grid(info.InputShape);
        bool global = info.Kind is LayerKind.GlobalAveragePool2D or LayerKind.GlobalAveragePool1D;
        bool max = info.Kind is LayerKind.MaxPool2D or LayerKind.MaxPool1D;
        int kh = global ? height : info.KernelHeight, kw = global ? width : info.KernelWidth;
        int stride = global ? 1 : info.Stride, strideHeight = global ? 1 : info.StrideHeight;
        int outHeight = (height - kh) / strideHeight + 1, outWidth = (width - kw) / stride + 1;
        var y = new double[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++)
        {
            for (int oh = 0; oh < outHeight; oh++)
            {
                for (int ow = 0; ow < outWidth; ow++)
                {
                    double value = max ? double.NegativeInfinity : 0;
                    for (int i = 0; i < kh; i++)
                    {
                        for (int j = 0; j < kw; j++)
                        {
                            double v = x[(c * height + oh * strideHeight + i) * width + ow * stride + j];
                            value = max ? Math.Max(value, v) : value + v;
                        }
                    }
                    y[(c * outHeight + oh) * outWidth + ow] = max ? value : value / (kh * kw);
                }
            }
        }
        return y;
    }

    private static double[] Activate(LayerInfo info, double[] z) =>
        info.Activation == Activation.Softmax ? Softmax(z) : z.Select(v => Activate(info.Activation, info.Alpha, v)).ToArray();

    /// <summary>Sum of the L2 penalties of the Dense layers: l2 * sum(w^2).</summary>
    public double Penalty()
    {
        double total = 0;
        for (int l = 0; l < Infos.Length; l++)
        {
            if (Infos[l].Kind is LayerKind.Dense or LayerKind.Conv2D or LayerKind.Conv1D && Infos[l].L2 > 0)
            {
                total += Infos[l].L2 * Weights[l].Sum(w => w * w);
            }
        }
        return total;
    }

    /// <summary>Mean loss over a batch, with StaticNN's documented semantics.</summary>
    public double MeanLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count, bool training = true)
    {
        int outSize = Infos[^1].OutputSize;
        double[][] outputs = ForwardBatch(inputs, count, training, out double[][] pre);
        double total = 0;
        for (int m = 0; m < count; m++)
        {
            total += SampleLoss(outputs[m], pre[m], targets.Slice(m * outSize, outSize));
        }
        return (Loss is Loss.CrossEntropy ? total / count : total / (count * (double)outSize)) + Penalty();
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
