using System;

namespace StaticNN.Benchmarks.Baselines;

/// <summary>A batch-1 implementation of one shape, for the verification mode (benchmarks call the sealed classes directly).</summary>
public interface IPredictor
{
    string Name { get; }

    void Predict(ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>The generated network seen as an <see cref="IPredictor"/>.</summary>
public sealed class GeneratedPredictor<TNet>(TNet net) : IPredictor where TNet : class, ITrainableNetwork<TNet>
{
    public string Name => "generated";

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => net.Predict(input, output);
}
