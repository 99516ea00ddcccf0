using System;
using System.Linq;
using StaticNN.Optimizers;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Training;

/// <summary>End-to-end: the generated gradients and the optimizers train real (small) problems to a stated loss.</summary>
public sealed class TrainingTests
{
    private static readonly float[] s_xorInputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] s_xorTargets = [0, 1, 1, 0];

    public static TheoryData<string> Optimizers => new() { "sgd", "adam" };

    private static IOptimizer Create(string name, float sgdRate, float adamRate) =>
        name == "sgd" ? new Sgd(sgdRate, momentum: 0.9f) : new Adam(adamRate);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Xor_TrainsToLowLossAndPerfectAccuracy(string optimizerName)
    {
        var net = new XorNet(seed: 1);
        IOptimizer optimizer = Create(optimizerName, sgdRate: 0.5f, adamRate: 0.05f);
        var gradients = new float[XorNet.ParameterBlockLength];
        float loss = float.NaN;
        for (int step = 0; step < 3000 && !(loss < 0.02f); step++)
        {
            loss = net.ComputeGradients(s_xorInputs, s_xorTargets, gradients);
            optimizer.Step(net.Parameters, gradients);
        }
        loss.ShouldBeLessThan(0.02f);
        for (int i = 0; i < 4; i++)
        {
            net.PredictClass(s_xorInputs.AsSpan(i * 2, 2)).ShouldBe((int)s_xorTargets[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Sine_RegressionReachesLowMeanSquaredError(string optimizerName)
    {
        // y = sin(x) on [-pi, pi]: 256 points, mini-batches of 32.
        const int count = 256, batch = 32;
        float[] x = Enumerable.Range(0, count).Select(i => (float)(-Math.PI + 2 * Math.PI * i / (count - 1))).ToArray();
        float[] y = x.Select(MathF.Sin).ToArray();
        var net = new SineNet(seed: 2);
        IOptimizer optimizer = Create(optimizerName, sgdRate: 0.05f, adamRate: 0.01f);
        var gradients = new float[SineNet.ParameterBlockLength];
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(3);
        var bx = new float[batch];
        var by = new float[batch];
        for (int epoch = 0; epoch < 400; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < count; start += batch)
            {
                for (int j = 0; j < batch; j++)
                {
                    bx[j] = x[order[start + j]];
                    by[j] = y[order[start + j]];
                }
                net.ComputeGradients(bx, by, gradients);
                optimizer.Step(net.Parameters, gradients);
            }
        }
        float mse = net.ComputeLoss(x, y);
        mse.ShouldBeLessThan(0.01f); // sin has variance 0.5: 98% of it explained

        var predictions = new float[count];
        net.PredictBatch(x, predictions);
        for (int i = 0; i < count; i++)
        {
            Math.Abs(predictions[i] - y[i]).ShouldBeLessThan(0.25f, $"sin({x[i]})");
        }
    }

    [Fact]
    public void SameSeedAndData_GiveBitIdenticalWeights()
    {
        float[] Train()
        {
            var net = new IrisShapedNet(seed: 9);
            var adam = new Adam(0.01f);
            var gradients = new float[IrisShapedNet.ParameterBlockLength];
            var random = new Random(4);
            float[] inputs = Enumerable.Range(0, 40).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, 10).Select(i => i % 3).ToArray();
            for (int step = 0; step < 50; step++)
            {
                net.ComputeGradients(inputs, labels, gradients);
                adam.Step(net.Parameters, gradients);
            }
            return net.Parameters.ToArray();
        }

        Train().ShouldBe(Train());
    }
}
