using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Tests.Infrastructure;
using static StaticNN.Generator.Tests.Weights.BakedWeightsTests;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>
/// SNN0201-SNN0205: each problem with a weight file is one error on the <c>Weights = "..."</c> argument that names
/// the file, the tensor and both shapes where they apply; the network itself is still generated, CreatePretrained only as a placeholder that throws (so a call to it adds no CS0117).
/// </summary>
public sealed class WeightFileDiagnosticsTests
{
    private const string Markup = """
        using StaticNN;

        [Network(Loss = Loss.CrossEntropy, /*ID*/Weights = "iris.safetensors"/*end*/)]
        [Input(4)]
        [Dense(10, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class IrisNet;
        """;

    private static void ReportsOnWeights(string id, string message, params EncodedWeightFile[] files) =>
        ReportsOnWeights(Markup, id, message, files);

    private static void ReportsOnWeights(string markup, string id, string message, params EncodedWeightFile[] files)
    {
        (string source, var spans) = DiagnosticMarkup.Parse(markup.Replace("/*ID*/", $"/*{id}*/"));
        GeneratorRun run = GeneratorHarness.Run(source, files);

        Diagnostic diagnostic = run.GeneratorDiagnostics.ShouldHaveSingleItem();
        DiagnosticAssert.ShouldBe(diagnostic, id, DiagnosticSeverity.Error, message);
        diagnostic.Location.IsInSource.ShouldBeTrue();
        diagnostic.Location.SourceTree!.FilePath.ShouldBe(GeneratorHarness.SourcePath(0));
        diagnostic.Location.SourceSpan.ShouldBe(spans.ShouldHaveSingleItem().Span);
        run.HintNames.ShouldContain("IrisNet.g.cs", "the network itself is still generated");
        run.Sources["IrisNet.Pretrained.g.cs"].ShouldContain("// StaticNN.Generator: placeholder CreatePretrained", Case.Sensitive, "no weights are baked; CreatePretrained only throws");
        run.Sources["IrisNet.Pretrained.g.cs"].ShouldNotContain("BakedWeights");
    }

    private static TestTensor[] Without(string name) => IrisTensors().Where(t => t.Name != name).ToArray();

    private static TestTensor[] Replace(string name, Func<TestTensor, TestTensor> change) =>
        IrisTensors().Select(t => t.Name == name ? change(t) : t).ToArray();

    [Fact]
    public void SNN0201_NoAdditionalFilesItem()
    {
        ReportsOnWeights("SNN0201",
            "Network 'IrisNet' bakes weights from 'iris.safetensors', but no AdditionalFiles item has the path /src/iris.safetensors; add <AdditionalFiles Include=\"iris.safetensors\" /> to the project (the path is relative to the project directory)");
    }

    [Fact]
    public void SNN0201_AnItemWithAnotherPath()
    {
        ReportsOnWeights("SNN0201",
            "Network 'IrisNet' bakes weights from 'iris.safetensors', but no AdditionalFiles item has the path /src/iris.safetensors; add <AdditionalFiles Include=\"iris.safetensors\" /> to the project (the path is relative to the project directory)",
            WeightFiles.Encoded("/src/models/iris.safetensors", WeightFiles.SafeTensors(IrisTensors())));
    }

    [Fact]
    public void SNN0201_EmptyPath_StopsGeneration()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network(/*SNN0201*/Weights = " "/*end*/)]
            [Input(4)]
            [Dense(3)]
            public partial class IrisNet;
            """, "SNN0201", DiagnosticSeverity.Error,
            "Network 'IrisNet' bakes weights from ' ', but the path is empty; add <AdditionalFiles Include=\" \" /> to the project (the path is relative to the project directory)")
            .Run.ShouldGenerateNothing();
    }

    [Fact]
    public void SNN0202_RawFileWithoutTheBuildTargets()
    {
        // Without build/StaticNN.targets the .safetensors file itself is the AdditionalFiles item, with no metadata.
        ReportsOnWeights("SNN0202",
            "Network 'IrisNet' cannot bake weights from 'iris.safetensors': the StaticNN build targets did not encode it (the compiler cannot pass a binary file to a generator); they come with the StaticNN package, or import src/StaticNN/build/StaticNN.targets in the project",
            new EncodedWeightFile(new InMemoryAdditionalText("/src/iris.safetensors", "not readable as text"), SourcePath: null));
    }

    [Fact]
    public void SNN0202_EncodedCopyIsNotBase64()
    {
        ReportsOnWeights("SNN0202",
            "Network 'IrisNet' cannot bake weights from 'iris.safetensors': its encoded copy '/obj/staticnn/iris.safetensors.base64' is not valid base64; rebuild so that the StaticNN build targets write it again",
            WeightFiles.Encoded("/src/iris.safetensors", "this is % not base64"));
    }

    [Theory]
    [InlineData("short", "it has 5 bytes, but a safetensors file starts with an 8-byte header length")]
    [InlineData("header length", "its header length is 4096 bytes, but the file has 16 bytes after the length")]
    [InlineData("json", "its header is not valid JSON: expected ':' at character 88")]
    [InlineData("gap", "bytes 320 to 324 of the data belong to no tensor")]
    [InlineData("dtype", "tensor layers.1.bias has the unknown dtype \"F33\"")]
    [InlineData("offsets", "tensor layers.1.bias has shape [3] (3 x 4 bytes) but data_offsets [320, 336] (16 bytes)")]
    public void SNN0202_MalformedFile(string problem, string reason)
    {
        byte[] good = WeightFiles.SafeTensors(IrisTensors());
        byte[] bytes = problem switch
        {
            "short" => [1, 2, 3, 4, 5],
            "header length" => [.. BitConverter.GetBytes(4096UL), .. new byte[16]],
            "json" => Corrupt(good, "\"layers.0.bias\":{", "\"layers.0.bias\"{{"),
            "gap" => Corrupt(good, "\"data_offsets\":[320,332]", "\"data_offsets\":[324,336]", extraData: 4),
            "dtype" => Corrupt(good, "{\"dtype\":\"F32\",\"shape\":[3]", "{\"dtype\":\"F33\",\"shape\":[3]"),
            _ => Corrupt(good, "\"data_offsets\":[320,332]", "\"data_offsets\":[320,336]", extraData: 4),
        };
        ReportsOnWeights("SNN0202", $"Network 'IrisNet' cannot bake weights from 'iris.safetensors': {reason}",
            WeightFiles.Encoded("/src/iris.safetensors", bytes));
    }

    [Fact]
    public void SNN0203_MissingTensor()
    {
        ReportsOnWeights("SNN0203",
            "Weight file 'iris.safetensors' does not match network 'IrisNet': tensor layers.1.bias (layer 1: Dense 10 -> 3, bias, shape [3]) is missing; the file has layers.0.weight, layers.0.bias, layers.1.weight",
            IrisFile(Without("layers.1.bias")));
    }

    [Fact]
    public void SNN0203_WrongShape_NamesTheTensorAndBothShapes()
    {
        ReportsOnWeights("SNN0203",
            "Weight file 'iris.safetensors' does not match network 'IrisNet': tensor layers.0.weight has shape [10, 5] in the file but IrisNet expects [10, 4] (layer 0: Dense 4 -> 10, weight)",
            IrisFile(Replace("layers.0.weight", t => t with { Shape = [10, 5], Values = WeightFiles.Values(50, 1) })));
    }

    [Fact]
    public void SNN0203_WrongDType()
    {
        ReportsOnWeights("SNN0203",
            "Weight file 'iris.safetensors' does not match network 'IrisNet': tensor layers.1.weight has dtype F16 in the file but IrisNet expects F32 (layer 1: Dense 10 -> 3, weight)",
            IrisFile(Replace("layers.1.weight", t => t with { DType = "F16", Raw = new byte[60] })));
    }

    [Fact]
    public void SNN0203_ExtraTensor()
    {
        ReportsOnWeights("SNN0203",
            "Weight file 'iris.safetensors' does not match network 'IrisNet': the file has a tensor that IrisNet does not: layers.2.weight",
            IrisFile([.. IrisTensors(), new TestTensor("layers.2.weight", [3, 3], WeightFiles.Values(9, 9))]));
    }

    [Fact]
    public void SNN0203_BiasForALayerWithoutBias()
    {
        ReportsOnWeights(Markup.Replace("[Dense(3, Activation.Softmax)]", "[Dense(3, Activation.Softmax, UseBias = false)]"), "SNN0203",
            "Weight file 'iris.safetensors' does not match network 'IrisNet': the file has layers.1.bias, but IrisNet layer 1: Dense 10 -> 3 has no bias (UseBias = false)",
            IrisFile());
    }

    [Fact]
    public void SNN0203_SequentialNamesWithAnotherNumberOfLayers()
    {
        ReportsOnWeights("SNN0203",
            "Weight file 'iris.safetensors' does not match network 'IrisNet': the file has PyTorch nn.Sequential names with 3 module(s) with weights (0.weight, 2.weight, 4.weight), but IrisNet has 2 layer(s) with parameters",
            IrisFile(
                new TestTensor("0.weight", [10, 4], WeightFiles.Values(40, 1)),
                new TestTensor("2.weight", [3, 10], WeightFiles.Values(30, 2)),
                new TestTensor("4.weight", [3, 3], WeightFiles.Values(9, 3))));
    }

    [Fact]
    public void SNN0204_NetworkTooLargeToBake()
    {
        ReportsOnWeights(Markup.Replace("[Dense(10, Activation.ReLU)]", "[Dense(4096, Activation.ReLU)][Dense(1024, Activation.ReLU)]"), "SNN0204",
            "Network 'IrisNet' cannot bake weights from 'iris.safetensors': the network's parameter and state blocks hold 4232208 floats; at most 4194304 are baked; load such a network at run time instead (for example from an EmbeddedResource stream with network.Load(stream))",
            IrisFile());
    }

    [Fact]
    public void SNN0204_FileTooLarge_IsNotDecoded()
    {
        ReportsOnWeights("SNN0204",
            "Network 'IrisNet' cannot bake weights from 'iris.safetensors': the file has about 33554436 bytes; at most 33554432 are read; load such a network at run time instead (for example from an EmbeddedResource stream with network.Load(stream))",
            WeightFiles.Encoded("/src/iris.safetensors", new string('A', 44_739_248)));
    }

    [Fact]
    public void SNN0205_NaNWeight_NamesTheTensorAndIndex()
    {
        ReportsOnWeights("SNN0205",
            "Weight file 'iris.safetensors' of network 'IrisNet' has NaN in tensor layers.1.weight at [2, 3]; every baked weight must be a finite number",
            IrisFile(Replace("layers.1.weight", t => t with { Values = t.Values.Select((v, k) => k == 23 ? float.NaN : v).ToArray() })));
    }

    [Fact]
    public void SNN0205_InfiniteBias()
    {
        ReportsOnWeights("SNN0205",
            "Weight file 'iris.safetensors' of network 'IrisNet' has -Infinity in tensor layers.0.bias at [7]; every baked weight must be a finite number",
            IrisFile(Replace("layers.0.bias", t => t with { Values = t.Values.Select((v, k) => k == 7 ? float.NegativeInfinity : v).ToArray() })));
    }

    [Fact]
    public void UserMemberNamedCreatePretrained_Conflicts()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                public static Net /*SNN0008*/CreatePretrained/*end*/() => new();
            }
            """, "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'CreatePretrained', which StaticNN generates for networks; rename or remove it");
    }

    private static byte[] Corrupt(byte[] file, string find, string replace, int extraData = 0)
    {
        ulong headerLength = BitConverter.ToUInt64(file, 0);
        string header = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        header.ShouldContain(find);
        byte[] newHeader = Encoding.UTF8.GetBytes(header.Replace(find, replace));
        byte[] data = file.AsSpan(8 + (int)headerLength).ToArray();
        return [.. BitConverter.GetBytes((ulong)newHeader.Length), .. newHeader, .. data, .. new byte[extraData]];
    }
}
