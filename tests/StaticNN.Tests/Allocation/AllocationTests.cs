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
}
