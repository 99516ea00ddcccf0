using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>One tensor for <see cref="WeightFiles.SafeTensors"/>: F32 values, or raw bytes for other dtypes.</summary>
internal sealed record TestTensor(string Name, long[] Shape, float[] Values, string DType = "F32", byte[]? Raw = null);

/// <summary>
/// Weight files as the build targets hand them to the generator: an AdditionalFiles item holding the base64 of the
/// .safetensors file, whose StaticNNWeightsSource metadata is the original path; and the project directory.
/// </summary>
internal static class WeightFiles
{
    /// <summary>The project directory of the test compilations (the sources are /src/Test{i}.cs).</summary>
    public const string ProjectDirectory = "/src";

    /// <summary>A safetensors file, written as the format says (header padded with spaces to a multiple of 8).</summary>
    public static byte[] SafeTensors(params TestTensor[] tensors)
    {
        var header = new Dictionary<string, object>();
        var data = new List<byte>();
        foreach (TestTensor tensor in tensors)
        {
            byte[] bytes = tensor.Raw ?? tensor.Values.SelectMany(BitConverter.GetBytes).ToArray();
            header[tensor.Name] = new { dtype = tensor.DType, shape = tensor.Shape, data_offsets = new[] { data.Count, data.Count + bytes.Length } };
            data.AddRange(bytes);
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Count];
        BitConverter.GetBytes((ulong)padded).CopyTo(file, 0);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>Deterministic values in [-1, 1), distinct per tensor (so a misplaced one shows).</summary>
    public static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The encoded AdditionalFiles item for a weight file at <paramref name="sourcePath"/>.</summary>
    public static EncodedWeightFile Encoded(string sourcePath, byte[] bytes) =>
        Encoded(sourcePath, Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks));

    public static EncodedWeightFile Encoded(string sourcePath, string encodedText) =>
        new(new InMemoryAdditionalText($"/obj/staticnn/{System.IO.Path.GetFileName(sourcePath)}.base64", encodedText), sourcePath);
}

/// <summary>An encoded weight file: the additional text and the original path it stands for.</summary>
internal sealed record EncodedWeightFile(AdditionalText Text, string? SourcePath);

internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Analyzer config options: the project directory, and each additional file's StaticNNWeightsSource metadata.</summary>
internal sealed class TestAnalyzerConfigOptionsProvider(IReadOnlyDictionary<string, string> global, IReadOnlyDictionary<AdditionalText, string> sources)
    : AnalyzerConfigOptionsProvider
{
    public static TestAnalyzerConfigOptionsProvider For(IEnumerable<EncodedWeightFile> files, string? projectDirectory = WeightFiles.ProjectDirectory)
    {
        var global = new Dictionary<string, string>();
        if (projectDirectory is not null)
        {
            global["build_property.MSBuildProjectDirectory"] = projectDirectory;
        }
        return new(global, files.Where(f => f.SourcePath is not null).ToDictionary(f => f.Text, f => f.SourcePath!));
    }

    public override AnalyzerConfigOptions GlobalOptions => new Options(global);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(sources.TryGetValue(textFile, out string? source)
            ? new Dictionary<string, string> { ["build_metadata.AdditionalFiles.StaticNNWeightsSource"] = source }
            : new Dictionary<string, string>());

    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
