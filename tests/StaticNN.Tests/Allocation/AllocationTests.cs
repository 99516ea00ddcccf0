using System;
using StaticNN.Optimizers;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Allocation;

/// <summary>After warm-up, the hot paths allocate nothing.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void PredictPredictBatchComputeGradientsAndOptimizerSteps_AllocateNothingAfterWarmUp()
    {
        var net = new Size784x128x64(seed: 1);
        const int count = 32;
        float[] inputs = TestData.Uniform(count * Size784x128x64.InputSize, 1);
        float[] outputs = new float[count * Size784x128x64.OutputSize];
        int[] labels = new int[count];
        float[] targets = new float[count * Size784x128x64.OutputSize];
        for (int m = 0; m < count; m++)
        {
            labels[m] = m % 10;
            targets[m * 10 + m % 10] = 1;
        }
        float[] gradients = new float[Size784x128x64.ParameterBlockLength];
        var adam = new Adam();
        var sgd = new Sgd(0.01f, momentum: 0.9f, nesterov: true);
        var input = new Size784x128x64.InputVector();

        void Work()
        {
            net.Predict(inputs.AsSpan(0, Size784x128x64.InputSize), outputs.AsSpan(0, Size784x128x64.OutputSize));
            net.Predict(in input, out _);
            net.PredictClass(inputs.AsSpan(0, Size784x128x64.InputSize));
            net.PredictBatch(inputs, outputs);
            net.ComputeGradients(inputs, labels, gradients);
            net.ComputeGradients(inputs, targets, gradients);
            net.ComputeLoss(inputs, labels);
            adam.Step(net.Parameters, gradients);
            sgd.Step(net.Parameters, gradients);
            net.ComputeGradients(inputs.AsSpan(0, 7 * Size784x128x64.InputSize), labels.AsSpan(0, 7), gradients); // smaller batch reuses the workspace
        }

        AllocationAssert.NoneAfterWarmUp(Work);
    }

    [Fact]
    public void ConvolutionalNetwork_PredictComputeGradientsAndStep_AllocateNothingAfterWarmUp()
    {
        var net = new FashionCnnNet(seed: 1);
        var big = new ThreadScratchNet(seed: 1);
        const int count = 8;
        float[] inputs = TestData.Uniform(count * FashionCnnNet.InputSize, 1);
        float[] bigInput = TestData.Uniform(ThreadScratchNet.InputSize, 2);
        float[] outputs = new float[count * FashionCnnNet.OutputSize];
        int[] labels = new int[count];
        float[] gradients = new float[FashionCnnNet.ParameterBlockLength];
        var adam = new Adam();

        void Work()
        {
            net.Predict(inputs.AsSpan(0, FashionCnnNet.InputSize), outputs.AsSpan(0, FashionCnnNet.OutputSize));
            net.PredictBatch(inputs, outputs);
            net.ComputeGradients(inputs, labels, gradients);
            adam.Step(net.Parameters, gradients);
            big.Predict(bigInput, outputs.AsSpan(0, ThreadScratchNet.OutputSize)); // the thread's scratch buffer, rented once
        }

        AllocationAssert.NoneAfterWarmUp(Work);
    }
}
