using System;
using System.Linq;
using System.Threading.Tasks;
using StaticNN.Runtime;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Networks;

namespace StaticNN.Tests.Layers;

/// <summary>The generated public contract: constants, construction, argument checks, layouts, thread safety.</summary>
public sealed class NetworkApiTests
{
    [Fact]
    public void Constants_DescribeTheDeclaredNetwork()
    {
        IrisShapedNet.InputSize.ShouldBe(4);
        IrisShapedNet.OutputSize.ShouldBe(3);
        IrisShapedNet.ParameterCount.ShouldBe(83);
        IrisShapedNet.LayerCount.ShouldBe(2);
        IrisShapedNet.ParameterBlockLength.ShouldBe(4 * 16 + 16 + 10 * 16 + 16);
        IrisShapedNet.InputShape.ShouldBe(new TensorShape(1, 4));
        IrisShapedNet.OutputShape.ShouldBe(new TensorShape(1, 3));
        IrisShapedNet.GetLayerInfo(1).ShouldBe(new LayerInfo(LayerKind.Dense, 10, 3, true, Activation.Softmax, 0f)
        {
            InputShape = new TensorShape(1, 10), OutputShape = new TensorShape(1, 3), WeightCount = 30, BiasCount = 3,
        });
        IrisShapedNet.Tensors.Select(t => t.ToString()).ShouldBe(["layers.0.weight [10, 4]", "layers.0.bias [10]", "layers.1.weight [3, 10]", "layers.1.bias [3]"]);
        Should.Throw<ArgumentOutOfRangeException>(() => IrisShapedNet.GetLayerInfo(2));
        NoBias.ParameterCount.ShouldBe(9 * 17 + 17 * 3);
    }

    [Fact]
    public void SetTensor_WritesTheLogicalLayoutThatGetLayerParametersReads()
    {
        var net = new IrisShapedNet(seed: 1);
        float[] weight = Enumerable.Range(0, 30).Select(i => i * 0.5f).ToArray();
        net.SetTensor(2, weight);
        var readBack = new float[30];
        net.GetLayerParameters(1, readBack, new float[3]);
        readBack.ShouldBe(weight);
        var viaTensor = new float[30];
        net.GetTensor(2, viaTensor);
        viaTensor.ShouldBe(weight);
    }

    [Fact]
    public void SetTensor_WithWrongLengthOrIndex_ThrowsNamingTheTensor()
    {
        var net = new IrisShapedNet();
        Should.Throw<ArgumentException>(() => net.SetTensor(2, new float[29])).Message
            .ShouldStartWith("IrisShapedNet expects 30 values of layers.1.weight [3, 10]");
        Should.Throw<ArgumentOutOfRangeException>(() => net.GetTensor(4, new float[3])).Message
            .ShouldStartWith("IrisShapedNet has tensors 0 to 3 (see Tensors).");
    }

    [Fact]
    public void Seed_DeterminesWeightsAndInitialisationRespectsLimits()
    {
        new IrisShapedNet(seed: 5).Parameters.ToArray().ShouldBe(new IrisShapedNet(seed: 5).Parameters.ToArray());
        new IrisShapedNet(seed: 5).Parameters.ToArray().ShouldNotBe(new IrisShapedNet(seed: 6).Parameters.ToArray());
        new IrisShapedNet().Parameters.ToArray().ShouldBe(new IrisShapedNet(0).Parameters.ToArray());

        var net = new IrisShapedNet(seed: 7);
        var w0 = new float[40];
        var b0 = new float[10];
        net.GetLayerParameters(0, w0, b0);
        float he = MathF.Sqrt(6f / 4);               // ReLU layer: He uniform
        w0.ShouldAllBe(w => MathF.Abs(w) <= he);
        w0.Max(MathF.Abs).ShouldBeGreaterThan(he * 0.5f);
        b0.ShouldAllBe(b => b == 0f);
        var w1 = new float[30];
        net.GetLayerParameters(1, w1, new float[3]);
        float glorot = MathF.Sqrt(6f / 13);          // Softmax layer: Glorot uniform
        w1.ShouldAllBe(w => MathF.Abs(w) <= glorot);
    }

    [Fact]
    public void LayerParameters_RoundTripInPyTorchLayoutAndKeepPaddingZero()
    {
        var net = new Size17x33();
        float[] w = TestData.Uniform(33 * 17, 1);
        float[] b = TestData.Uniform(33, 2);
        net.Parameters.Fill(float.NaN);
        net.SetLayerParameters(0, w, b);
        net.SetLayerParameters(1, TestData.Uniform(17 * 33, 3), TestData.Uniform(17, 4));
        var w2 = new float[w.Length];
        var b2 = new float[b.Length];
        net.GetLayerParameters(0, w2, b2);
        w2.ShouldBe(w);
        b2.ShouldBe(b);

        // weight[o, i] row-major: output 5 = bias[5] + sum_i weight[5, i] * x[i] (Identity on a one-hot input picks one column).
        var single = new Size1();
        single.SetLayerParameters(0, [2.5f], [0.25f]);
        var y = new float[1];
        single.Predict([2f], y);
        y[0].ShouldBe(5.25f);
    }

    [Fact]
    public void WrongLengths_ThrowArgumentExceptionNamingBothLengths()
    {
        var net = new IrisShapedNet();
        var ex = Should.Throw<ArgumentException>(() => net.Predict(new float[5], new float[3]));
        ex.ParamName.ShouldBe("input");
        ex.Message.ShouldContain("IrisShapedNet expects 4 input values but the span has 5.");
        Should.Throw<ArgumentException>(() => net.Predict(new float[4], new float[2])).ParamName.ShouldBe("output");
        Should.Throw<ArgumentException>(() => net.PredictBatch(new float[7], new float[3])).Message.ShouldContain("multiple of 4");
        Should.Throw<ArgumentException>(() => net.PredictBatch(Array.Empty<float>(), Array.Empty<float>())).ParamName.ShouldBe("inputs");
        Should.Throw<ArgumentException>(() => net.PredictBatch(new float[8], new float[3])).ParamName.ShouldBe("outputs");
        var gradients = new float[IrisShapedNet.ParameterBlockLength];
        Should.Throw<ArgumentException>(() => net.ComputeGradients(new float[8], new float[5], gradients)).ParamName.ShouldBe("targets");
        Should.Throw<ArgumentException>(() => net.ComputeGradients(new float[8], new int[3], gradients)).ParamName.ShouldBe("labels");
        Should.Throw<ArgumentException>(() => net.ComputeGradients(new float[8], new int[2], new float[10])).ParamName.ShouldBe("gradients");
        Should.Throw<ArgumentOutOfRangeException>(() => net.ComputeGradients(new float[8], new[] { 0, 3 }, gradients)).Message.ShouldContain("Label 3 of sample 1");
        Should.Throw<ArgumentException>(() => net.SetLayerParameters(0, new float[39], new float[10])).Message.ShouldContain("layer 0 weights (10 x 4)");
        Should.Throw<ArgumentException>(() => new NoBias().SetLayerParameters(0, new float[153], new float[17])).ParamName.ShouldBe("bias");
        Should.Throw<ArgumentOutOfRangeException>(() => net.GetLayerParameters(2, new float[1], new float[1]));
    }

    [Fact]
    public void TypedVectorsAndPredictClass_AgreeWithSpanPredict()
    {
        var net = new IrisShapedNet(seed: 3);
        var input = new IrisShapedNet.InputVector();
        for (int i = 0; i < IrisShapedNet.InputSize; i++) input[i] = i * 0.3f - 0.5f;
        net.Predict(in input, out IrisShapedNet.OutputVector typed);
        var output = new float[3];
        net.Predict((ReadOnlySpan<float>)input, output);
        ((ReadOnlySpan<float>)typed).ToArray().ShouldBe(output);
        output.Sum().ShouldBe(1f, 1e-6f);
        net.PredictClass((ReadOnlySpan<float>)input).ShouldBe(Array.IndexOf(output, output.Max()));

        var binary = new XorNet(seed: 1);
        var p = new float[1];
        binary.Predict([1f, 0f], p);
        binary.PredictClass([1f, 0f]).ShouldBe(p[0] > 0.5f ? 1 : 0);
    }

    [Fact]
    public void NaNInput_PropagatesToOutputsAndLeavesTheNetworkIntact()
    {
        var net = new Size784x128(seed: 2);
        float[] before = net.Parameters.ToArray();
        float[] input = TestData.Uniform(784, 1);
        var clean = new float[10];
        net.Predict(input, clean);
        input[100] = float.NaN;
        var output = new float[10];
        net.Predict(input, output);
        output.ShouldAllBe(v => float.IsNaN(v));
        net.Parameters.ToArray().ShouldBe(before);
        input[100] = 0.5f;
        net.Predict(input, output);
        output.ShouldAllBe(v => float.IsFinite(v));
    }

    [Fact]
    public void Predict_OnSharedInstanceFromManyThreads_MatchesSingleThreadedResults()
    {
        var net = new Size784x128x64(seed: 4);
        const int samples = 64;
        float[] inputs = TestData.Uniform(samples * 784, 5);
        var expected = new float[samples * 10];
        for (int m = 0; m < samples; m++) net.Predict(inputs.AsSpan(m * 784, 784), expected.AsSpan(m * 10, 10));

        int mismatches = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var output = new float[10];
            for (int round = 0; round < 200; round++)
            {
                int m = (worker * 7 + round) % samples;
                net.Predict(inputs.AsSpan(m * 784, 784), output);
                if (!output.AsSpan().SequenceEqual(expected.AsSpan(m * 10, 10))) System.Threading.Interlocked.Increment(ref mismatches);
            }
        });
        mismatches.ShouldBe(0);
    }

    [Fact]
    public void ParameterBlock_Is64ByteAligned()
    {
        unsafe
        {
            for (int i = 0; i < 20; i++)
            {
                var block = new ParameterBlock(100 + i);
                fixed (float* p = block.Span)
                {
                    ((nuint)p % 64).ShouldBe((nuint)0);
                }
            }
        }
    }
}
