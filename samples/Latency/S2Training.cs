using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using StaticNN;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Training;

/// <summary>
/// --train: makes the weights file the sample ships. S2 learns a fixed random function (the <see cref="Teacher"/>
/// network, seed 7) from 20,000 noisy samples; the file is written with <c>net.Save</c>. Deterministic for a given
/// kernel path; takes under a second.
/// </summary>
internal static class S2Training
{
    private const int Count = 20_000;
    private const float NoiseSd = 0.05f;

    public static int Run(string path)
    {
        var random = new Random(11);
        var teacher = new Teacher(seed: 7);
        var features = new float[Count * S2.InputSize];
        var targets = new float[Count * S2.OutputSize];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = Gaussian(random);
        }
        for (int i = 0; i < Count; i++)
        {
            Span<float> target = targets.AsSpan(i * S2.OutputSize, S2.OutputSize);
            teacher.Predict(features.AsSpan(i * S2.InputSize, S2.InputSize), target);
            for (int j = 0; j < target.Length; j++)
            {
                target[j] += NoiseSd * Gaussian(random);
            }
        }
        (Dataset train, Dataset test) = DatasetSplit.TrainTest(new Dataset(features, S2.InputSize, targets, S2.OutputSize), testFraction: 0.1, seed: 1);

        const int Epochs = 40;
        var net = new S2(seed: 1);
        var stopwatch = Stopwatch.StartNew();
        History history = net.Fit(train, new FitOptions
        {
            Epochs = Epochs,
            BatchSize = 64,
            Optimizer = new Adam(learningRate: 2e-3f),
            LearningRateSchedule = new CosineAnnealing(maxEpochs: Epochs, minLearningRate: 5e-5f),
            Seed = 3,
        });
        stopwatch.Stop();
        EvaluationResult result = net.Evaluate(test);
        double baseline = RootMeanSquare(test.Targets);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained S2 ({S2.ParameterCount} parameters) for {history.Epochs.Count} epochs in {stopwatch.Elapsed.TotalSeconds:F1} s: "
            + $"test RMSE {result.RootMeanSquaredError:F4} (noise alone {NoiseSd}, predicting 0: {baseline:F4})"));

        net.Save(path, new Dictionary<string, string>
        {
            ["network"] = "S2: Input(16) Dense(64, Tanh) Dense(64, Tanh) Dense(8)",
            ["task"] = $"Teacher(seed 7) on Gaussian inputs + N(0, {NoiseSd.ToString(CultureInfo.InvariantCulture)}^2) noise; samples/Latency --train",
            ["test_rmse"] = result.RootMeanSquaredError.ToString("F4", CultureInfo.InvariantCulture),
        });
        Console.WriteLine($"Wrote {path}");
        return result.RootMeanSquaredError < 0.5 * baseline ? 0 : 1;
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static double RootMeanSquare(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += (double)v * v;
        }
        return Math.Sqrt(sum / values.Length);
    }
}
