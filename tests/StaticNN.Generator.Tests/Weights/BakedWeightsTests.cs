using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Weights;

/// <summary>
/// [Network(Weights = ...)]: the generated CreatePretrained() and its data. The numerical test project bakes real
/// PyTorch files and checks predictions; these tests check the generated source, the layout of every value, path
/// resolution and determinism.
/// </summary>
public sealed partial class BakedWeightsTests
{
    internal const string IrisSource = """
        using StaticNN;

        [Network(Loss = Loss.CrossEntropy, Weights = "iris.safetensors")]
        [Input(4)]
        [Dense(10, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class IrisNet;
        """;

    /// <summary>The tensors of <see cref="IrisSource"/>'s network, PyTorch layout, distinct values.</summary>
    internal static TestTensor[] IrisTensors() =>
    [
        new("layers.0.weight", [10, 4], WeightFiles.Values(40, 1)),
        new("layers.0.bias", [10], WeightFiles.Values(10, 2)),
        new("layers.1.weight", [3, 10], WeightFiles.Values(30, 3)),
        new("layers.1.bias", [3], WeightFiles.Values(3, 4)),
    ];

    internal static EncodedWeightFile IrisFile(params TestTensor[] tensors) =>
        WeightFiles.Encoded("/src/iris.safetensors", WeightFiles.SafeTensors(tensors.Length == 0 ? IrisTensors() : tensors));

    [Fact]
    public void IrisNet_MatchesSnapshot()
    {
        GeneratorRun run = GeneratorHarness.Run(IrisSource, IrisFile()).ShouldCompileWithoutWarnings();

        run.HintNames.ShouldContain("IrisNet.Pretrained.g.cs");
        SnapshotAssert.MatchesSources(run.Sources.Where(s => s.Key == "IrisNet.Pretrained.g.cs").ToDictionary(s => s.Key, s => s.Value));
    }

    [Fact]
    public void WithoutWeights_NothingIsBaked()
    {
        GeneratorRun run = GeneratorHarness.Run(IrisSource.Replace(", Weights = \"iris.safetensors\"", ""), IrisFile()).ShouldCompileWithoutWarnings();

        run.HintNames.ShouldNotContain(h => h.Contains("Pretrained"));
    }

    [Fact]
    public void DenseWeights_AreTransposedInputMajorAndPaddedTo16_BiasesFollow()
    {
        TestTensor[] tensors = IrisTensors();
        GeneratorRun run = GeneratorHarness.Run(IrisSource, IrisFile(tensors)).ShouldCompileWithoutWarnings();
        Dictionary<string, float[]> literals = Literals(run.Sources["IrisNet.Pretrained.g.cs"]);

        // Layer 0: W0^T[4][16] then b0[16]; layer 1: W1^T[10][16] then b1[16].
        ExpectDense(literals["Layer0"], tensors[0].Values, tensors[1].Values, inputs: 4, outputs: 10);
        ExpectDense(literals["Layer1"], tensors[2].Values, tensors[3].Values, inputs: 10, outputs: 3);
        run.Sources["IrisNet.Pretrained.g.cs"].ShouldContain("parameters.Slice(0, 80)");
        run.Sources["IrisNet.Pretrained.g.cs"].ShouldContain("parameters.Slice(80, 176)");
    }

    [Fact]
    public void NormalizationLayers_ScaleShiftAndRunningStatistics_InTheirBlocks()
    {
        const string source = """
            using StaticNN;

            [Network(Weights = "norm.safetensors")]
            [Input(3)]
            [Dense(5, UseBias = false)]
            [BatchNorm]
            [LayerNorm]
            public partial class NormNet;
            """;
        TestTensor[] tensors =
        [
            new("layers.0.weight", [5, 3], WeightFiles.Values(15, 1)),
            new("layers.1.weight", [5], WeightFiles.Values(5, 2)),
            new("layers.1.bias", [5], WeightFiles.Values(5, 3)),
            new("layers.1.running_mean", [5], WeightFiles.Values(5, 4)),
            new("layers.1.running_var", [5], WeightFiles.Values(5, 5).Select(v => v + 2).ToArray()),
            new("layers.2.weight", [5], WeightFiles.Values(5, 6)),
            new("layers.2.bias", [5], WeightFiles.Values(5, 7)),
        ];
        GeneratorRun run = GeneratorHarness.Run(source, WeightFiles.Encoded("/src/norm.safetensors", WeightFiles.SafeTensors(tensors)))
            .ShouldCompileWithoutWarnings();
        Dictionary<string, float[]> literals = Literals(run.Sources["NormNet.Pretrained.g.cs"]);

        literals.Keys.ShouldBe(["Layer0", "Layer1", "Layer2", "Layer1RunningStatistics"]);
        ExpectDense(literals["Layer0"], tensors[0].Values, bias: null, inputs: 3, outputs: 5);
        literals["Layer1"].ShouldBe(Padded(tensors[1].Values).Concat(Padded(tensors[2].Values)).ToArray());
        literals["Layer1RunningStatistics"].ShouldBe(Padded(tensors[3].Values).Concat(Padded(tensors[4].Values)).ToArray());
        literals["Layer2"].ShouldBe(Padded(tensors[5].Values).Concat(Padded(tensors[6].Values)).ToArray());
    }

    [Fact]
    public void PyTorchSequentialNames_BindByModuleOrder()
    {
        TestTensor[] canonical = IrisTensors();
        // nn.Sequential(Linear, ReLU, Linear, Softmax): modules 0 and 2 have weights.
        TestTensor[] sequential = canonical.Select(t => t with { Name = t.Name.Replace("layers.0.", "0.").Replace("layers.1.", "2.") }).ToArray();

        GeneratorRun fromCanonical = GeneratorHarness.Run(IrisSource, IrisFile(canonical)).ShouldCompileWithoutWarnings();
        GeneratorRun fromSequential = GeneratorHarness.Run(IrisSource, IrisFile(sequential)).ShouldCompileWithoutWarnings();

        Dictionary<string, float[]> expected = Literals(fromCanonical.Sources["IrisNet.Pretrained.g.cs"]);
        Dictionary<string, float[]> actual = Literals(fromSequential.Sources["IrisNet.Pretrained.g.cs"]);
        actual.Keys.ShouldBe(expected.Keys);
        foreach (string key in expected.Keys)
        {
            actual[key].ShouldBe(expected[key], key);
        }
        fromSequential.Sources["IrisNet.Pretrained.g.cs"].ShouldContain("tensors named as in a PyTorch nn.Sequential");
    }

    [Theory]
    [InlineData("iris.safetensors", "/src")]
    [InlineData("weights/../iris.safetensors", "/src")]
    [InlineData("./iris.safetensors", "/src/")]
    [InlineData("/src/iris.safetensors", "/elsewhere")]
    [InlineData("src/iris.safetensors", "/")]
    public void WeightsPath_IsRelativeToTheProjectDirectory(string weights, string projectDirectory)
    {
        var compilation = GeneratorHarness.CreateCompilation(IrisSource.Replace("iris.safetensors", weights));
        EncodedWeightFile file = IrisFile();
        var driver = GeneratorHarness.CreateDriver(
            (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)compilation.SyntaxTrees[0].Options, [file], projectDirectory);

        GeneratorRun run = GeneratorHarness.Run(compilation, driver).ShouldCompileWithoutWarnings();

        run.HintNames.ShouldContain("IrisNet.Pretrained.g.cs");
    }

    [Fact]
    public void WithoutTheProjectDirectoryProperty_PathIsRelativeToTheDeclaringFile()
    {
        var compilation = GeneratorHarness.CreateCompilation(IrisSource);
        EncodedWeightFile file = IrisFile();
        var driver = GeneratorHarness.CreateDriver(
            (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)compilation.SyntaxTrees[0].Options, [file], projectDirectory: null);

        GeneratorHarness.Run(compilation, driver).ShouldCompileWithoutWarnings().HintNames.ShouldContain("IrisNet.Pretrained.g.cs");
    }

    [Fact]
    public void NestedInNamespaceAndTypes_Compiles()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            namespace Game.AI;

            public static partial class Bots
            {
                [Network(Loss = Loss.CrossEntropy, Weights = "iris.safetensors")]
                [Input(4)]
                [Dense(10, Activation.ReLU)]
                [Dense(3, Activation.Softmax)]
                internal sealed partial class @event;
            }
            """, IrisFile()).ShouldCompileWithoutWarnings();

        run.Sources["Game.AI.Bots.event.Pretrained.g.cs"].ShouldContain("public static global::Game.AI.Bots.@event CreatePretrained()");
    }

    [Fact]
    public void BuildingTwice_GivesIdenticalSource()
    {
        string first = GeneratorHarness.Run(IrisSource, IrisFile()).Sources["IrisNet.Pretrained.g.cs"];
        string second = GeneratorHarness.Run(IrisSource, IrisFile()).Sources["IrisNet.Pretrained.g.cs"];

        second.ShouldBe(first);
    }

    [Fact]
    public void BakedValues_KeepEveryBit()
    {
        // Subnormals, signed zeros, the largest float and values that print with 9 digits all survive unchanged.
        float[] special = [float.Epsilon, -0f, float.MaxValue, -float.MaxValue, 1f / 3, 1e-38f, 0.1f, -2.5e-12f, 7f, float.MinValue];
        TestTensor[] tensors = IrisTensors();
        tensors[0] = tensors[0] with { Values = special.Concat(tensors[0].Values.Skip(special.Length)).ToArray() };

        float[] layer0 = Literals(GeneratorHarness.Run(IrisSource, IrisFile(tensors)).Sources["IrisNet.Pretrained.g.cs"])["Layer0"];

        for (int k = 0; k < special.Length; k++)
        {
            // weight[o = k / 4, i = k % 4] sits at W^T[i][o].
            BitConverter.SingleToInt32Bits(layer0[k % 4 * 16 + k / 4]).ShouldBe(BitConverter.SingleToInt32Bits(special[k]), $"value {k}");
        }
    }

    /// <summary>Every base64 literal of a generated Pretrained file, decoded, by property name.</summary>
    internal static Dictionary<string, float[]> Literals(string source) =>
        LiteralPattern().Matches(source).ToDictionary(
            m => m.Groups["name"].Value,
            m =>
            {
                byte[] bytes = Convert.FromBase64String(m.Groups["data"].Value);
                return Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, 4 * i)).ToArray();
            });

    [GeneratedRegex("ReadOnlySpan<byte> (?<name>\\w+) => \"\"\"(?<data>[^\"]*)\"\"\"u8;")]
    private static partial Regex LiteralPattern();

    private static void ExpectDense(float[] block, float[] weight, float[]? bias, int inputs, int outputs)
    {
        int padded = (outputs + 15) / 16 * 16;
        var expected = new float[inputs * padded + (bias is null ? 0 : padded)];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                expected[i * padded + o] = weight[o * inputs + i];
            }
            if (bias is not null)
            {
                expected[inputs * padded + o] = bias[o];
            }
        }
        block.ShouldBe(expected);
    }

    private static float[] Padded(float[] values) => values.Concat(new float[(values.Length + 15) / 16 * 16 - values.Length]).ToArray();
}
