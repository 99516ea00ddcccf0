using System;
using System.Collections.Generic;

namespace StaticNN.Benchmarks.Baselines;

public static class BaselineFactory
{
    /// <summary>The hand-written AVX-512 implementation of shape <paramref name="shape"/> ("S1" to "S5").</summary>
    public static HandWrittenVector512Base CreateHandWritten(string shape, IReadOnlyList<LayerWeights> layers) => shape switch
    {
        "S1" => new HandWrittenS1(layers),
        "S2" => new HandWrittenS2(layers),
        "S3" => new HandWrittenS3(layers),
        "S4" => new HandWrittenS4(layers),
        "S5" => new HandWrittenS5(layers),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Shapes are S1 to S5."),
    };

    /// <summary>The hand-written implementation of <paramref name="shape"/> and its ablation variants.</summary>
    public static IReadOnlyList<IPredictor> CreateHandWrittenVariants(string shape, IReadOnlyList<LayerWeights> layers) => shape switch
    {
        "S1" => [new HandWrittenS1(layers), new HandWrittenS1BclExp(layers), new HandWrittenS1RuntimeSoftmax(layers)],
        "S2" => [new HandWrittenS2(layers), new HandWrittenS2RuntimeTanh(layers), new HandWrittenS2IntIndexed(layers)],
        "S3" => [new HandWrittenS3(layers), new HandWrittenS3RuntimeSoftmax(layers)],
        _ => [CreateHandWritten(shape, layers)],
    };
}
