using System;
using StaticNN.Data;
using StaticNN.Optimizers;
using StaticNN.Tests.Training;
using StaticNN.Training;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability;

/// <summary>
/// Issue 18, item 5: the training and evaluation buffers were sized by the batch size, not by the data. A batch size
/// beyond the sample count now costs what one batch of all the samples costs, and gives the same result.
/// </summary>
public sealed class TrainingBufferSizeTests(ITestOutputHelper output)
{
    private static readonly Dataset Data = FitTests.Blobs(150, seed: 5);

    private static (float[] Weights, long Allocated) Fit(int batchSize)
    {
        var net = new BlobNet(seed: 2);
        var options = new FitOptions { Epochs = 2, BatchSize = batchSize, Optimizer = new Adam(0.01f), ValidationSplit = 0.2, Seed = 1 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.Fit(Data, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (net.Parameters.ToArray(), allocated);
    }

    [Theory]
    [InlineData(100_000_000)] // allocated 1.2 GB before the fix
    [InlineData(1_000_000_000)] // OverflowException
    [InlineData(int.MaxValue)] // OutOfMemoryException
    public void FitWithABatchSizeFarBeyondTheSamples_AllocatesAndTrainsAsOneBatchOfAllSamples(int batchSize)
    {
        Fit(150); // warm up: first-call allocations are not the buffers'
        (float[] expected, long allocatedForOneFullBatch) = Fit(150);

        (float[] weights, long allocated) = Fit(batchSize);

        output.WriteLine($"BatchSize {batchSize}: Fit allocated {allocated:N0} bytes; BatchSize 150: {allocatedForOneFullBatch:N0}");
        weights.ShouldBe(expected);
        allocated.ShouldBeLessThanOrEqualTo(allocatedForOneFullBatch + 16 * 1024, $"BatchSize {batchSize} allocated {allocated:N0} bytes, BatchSize 150 {allocatedForOneFullBatch:N0}");
    }

    [Fact]
    public void EvaluateWithBatchSize200Million_MatchesTheDefaultWithoutOutOfMemory()
    {
        var net = new BlobNet(seed: 3);
        EvaluationResult expected = net.Evaluate(Data);
        long before = GC.GetAllocatedBytesForCurrentThread();

        EvaluationResult result = net.Evaluate(Data, batchSize: 200_000_000);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"Evaluate(batchSize: 200,000,000) allocated {allocated:N0} bytes");
        allocated.ShouldBeLessThan(1 << 20);
        result.Count.ShouldBe(150);
        result.Loss.ShouldBe(expected.Loss, tolerance: 1e-6f);
        result.Accuracy.ShouldBe(expected.Accuracy);
        result.ConfusionMatrix.ShouldBe(expected.ConfusionMatrix);
    }
}
