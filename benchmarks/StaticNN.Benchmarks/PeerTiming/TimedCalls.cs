using System;
using StaticNN.Benchmarks.Baselines;

namespace StaticNN.Benchmarks.PeerTiming;

// One struct per implementation and shape: the timing loops are generic over these, so each call is a direct call to
// the implementation's sealed or non-virtual Predict, as in the BenchmarkDotNet classes.

public readonly struct S1GeneratedCall(S1Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S2GeneratedCall(S2Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S3GeneratedCall(S3Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S4GeneratedCall(S4Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S5GeneratedCall(S5Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S1HandWrittenCall(HandWrittenS1 net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S2HandWrittenCall(HandWrittenS2 net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S3HandWrittenCall(HandWrittenS3 net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S4HandWrittenCall(HandWrittenS4 net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S5HandWrittenCall(HandWrittenS5 net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct TensorPrimitivesCall(TensorPrimitivesMlp net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct NaiveScalarCall(NaiveScalarMlp net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.Predict(x, y);
}

public readonly struct S3PredictBatchCall(S3Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.PredictBatch(x, y);
}

public readonly struct S4PredictBatchCall(S4Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.PredictBatch(x, y);
}

public readonly struct S5PredictBatchCall(S5Net net, float[] x, float[] y) : ITimedCall
{
    public void Invoke() => net.PredictBatch(x, y);
}

/// <summary>A loop of batch-1 calls over the rows of a batch, through <see cref="IPredictor"/> (one interface call per row).</summary>
public readonly struct PredictLoopCall(IPredictor net, int inputSize, int outputSize, float[] x, float[] y) : ITimedCall
{
    public void Invoke()
    {
        int rows = x.Length / inputSize;
        for (int r = 0; r < rows; r++)
        {
            net.Predict(x.AsSpan(r * inputSize, inputSize), y.AsSpan(r * outputSize, outputSize));
        }
    }
}
