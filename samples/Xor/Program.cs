using System;
using StaticNN;
using StaticNN.Optimizers;
using StaticNN.Runtime;

// XOR: the smallest problem a linear model cannot solve. 2 inputs, 4 tanh units, 1 sigmoid output.
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];

var net = new XorNet(seed: 1);
var optimizer = new Adam(learningRate: 0.05f);
float[] gradients = new float[XorNet.ParameterBlockLength];

float loss = float.NaN;
int epochs = 0;
for (; epochs < 2000; epochs++)
{
    loss = net.ComputeGradients(inputs, targets, gradients);
    optimizer.Step(net.Parameters, gradients);
    if (loss < 0.01f)
    {
        break;
    }
}

Console.WriteLine($"Kernel path: {KernelPath.Description}");
Console.WriteLine($"Trained {XorNet.ParameterCount} parameters for {epochs} full-batch Adam steps, final loss {loss:F4}");
Console.WriteLine();
Console.WriteLine(" x1  x2 | target | prediction | class");
int correct = 0;
Span<float> y = stackalloc float[1];
for (int i = 0; i < 4; i++)
{
    ReadOnlySpan<float> x = inputs.AsSpan(i * 2, 2);
    net.Predict(x, y);
    int predicted = net.PredictClass(x);
    correct += predicted == (int)targets[i] ? 1 : 0;
    Console.WriteLine($" {x[0],2} {x[1],3} | {targets[i],6} | {y[0],10:F4} | {predicted,5}");
}
Console.WriteLine();
Console.WriteLine($"Accuracy: {correct}/4");
return correct == 4 ? 0 : 1;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class XorNet;
