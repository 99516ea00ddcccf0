using System;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Training;

// Customer churn, synthetic but shaped like the real thing: 20 features of a telecom customer, of which only a few
// drive churn (tenure, monthly charges, support calls, contract type, payment delays) through a non-linear rule with
// label noise; the rest are correlated nuisance columns. A small training set (1,200 customers) makes overfitting
// easy: compare the plain network with the "best practices" one (L2, dropout, batch normalization).
const int Train = 1200, Test = 5000;
(Dataset train, Dataset test) = (Customers(Train, seed: 1), Customers(Test, seed: 2));
var scaler = new StandardScaler();
train = scaler.FitTransform(train);
test = scaler.Transform(test);

const int Epochs = 60;
FitOptions Options() => new() { Epochs = Epochs, BatchSize = 32, Optimizer = new Adam(1e-3f), ValidationSplit = 0.2, Seed = 3 };
var plain = new PlainChurnNet(seed: 4);
History plainHistory = plain.Fit(train, Options());
var regularized = new ChurnNet(seed: 4);
History regularizedHistory = regularized.Fit(train, Options());

Console.WriteLine("Churn: 20 features, 1,200 training customers (20% of them for validation), 5,000 test customers");
Console.WriteLine();
Console.WriteLine("epoch | plain: train acc  val acc  val loss | L2 + dropout + batch norm: train acc  val acc  val loss");
for (int e = 9; e < Epochs; e += 10)
{
    EpochMetrics p = plainHistory.Epochs[e], r = regularizedHistory.Epochs[e];
    Console.WriteLine($"{e + 1,5} | {p.Accuracy,16:P1} {p.ValidationAccuracy,8:P1} {p.ValidationLoss,9:F4} | {r.Accuracy,36:P1} {r.ValidationAccuracy,8:P1} {r.ValidationLoss,9:F4}");
}
EvaluationResult plainTest = plain.Evaluate(test), regularizedTest = regularized.Evaluate(test);
Console.WriteLine();
Console.WriteLine($"Test accuracy: plain {plainTest.Accuracy:P1}, regularized {regularizedTest.Accuracy:P1}");
Console.WriteLine($"Gap between training and test accuracy: plain {plainHistory.Epochs[^1].Accuracy - plainTest.Accuracy:P1}, regularized {regularizedHistory.Epochs[^1].Accuracy - regularizedTest.Accuracy:P1}");
return 0;

static Dataset Customers(int count, int seed)
{
    var random = new Random(seed);
    var features = new float[count * 20];
    var labels = new int[count];
    double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    for (int i = 0; i < count; i++)
    {
        Span<float> x = features.AsSpan(i * 20, 20);
        double tenure = random.NextDouble() * 72;                 // months
        double monthly = 20 + random.NextDouble() * 100;          // charges
        double calls = Math.Floor(-Math.Log(1 - random.NextDouble()) * 1.5); // support calls, exponential
        double contract = random.Next(3);                         // month-to-month, one year, two years
        double delays = random.Next(5);                           // late payments
        x[0] = (float)tenure; x[1] = (float)monthly; x[2] = (float)calls; x[3] = (float)contract; x[4] = (float)delays;
        for (int j = 5; j < 20; j++)
        {
            // Nuisance: noisy mixtures of the real drivers and pure noise.
            x[j] = (float)(0.3 * x[j % 5] / (j % 5 == 0 ? 72 : j % 5 == 1 ? 120 : 3) + Normal());
        }
        double risk = 1.5 - tenure / 24 + (monthly - 70) / 40 + 0.6 * calls - 1.2 * contract + 0.4 * delays
            + 0.8 * Math.Sin(monthly / 15) * (calls > 2 ? 1 : 0);
        double p = 1 / (1 + Math.Exp(-risk));
        labels[i] = random.NextDouble() < p ? 1 : 0;
    }
    return new Dataset(features, 20, labels, 2);
}

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(20)]
[Dense(64, Activation.ReLU)]
[Dense(32, Activation.ReLU)]
[Dense(1, Activation.Sigmoid)]
public partial class PlainChurnNet;

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(20)]
[Dense(64, Activation.ReLU, L2 = 0.01f)]
[Dropout(0.2f)]
[BatchNorm]
[Dense(32, Activation.ReLU)]
[Dropout(0.2f)]
[Dense(1, Activation.Sigmoid)]
public partial class ChurnNet;
