using System;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace StaticNN.Generator.Weights;

/// <summary>Turns the AdditionalFiles that are weight files into <see cref="WeightFileInput"/>s.</summary>
internal static class WeightFileDecoder
{
    /// <summary>Item metadata set by build/StaticNN.targets on the encoded copy: the original file's full path.</summary>
    public const string SourceMetadata = "build_metadata.AdditionalFiles.StaticNNWeightsSource";

    /// <summary>Global option with the project directory, which relative Weights paths start from.</summary>
    public const string ProjectDirectoryProperty = "build_property.MSBuildProjectDirectory";

    /// <summary>Largest weight file the generator decodes (a network bakes at most <see cref="PretrainedBinder.MaxBakedFloats"/> floats).</summary>
    public const long MaxFileBytes = 32L * 1024 * 1024;

    /// <summary>The weight file this additional file is, or null when it is not one.</summary>
    public static WeightFileInput? Decode(AdditionalText text, AnalyzerConfigOptions options, CancellationToken ct)
    {
        if (!options.TryGetValue(SourceMetadata, out string? source) || string.IsNullOrWhiteSpace(source))
        {
            // A raw .safetensors file: the build targets that encode it did not run.
            return text.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                ? new WeightFileInput(Normalize(text.Path), Encoded: false, File: null, Error: null, ByteLength: -1)
                : null;
        }
        source = Normalize(source!);
        SourceText? content = text.GetText(ct);
        if (content is null)
        {
            return new WeightFileInput(source, true, null, $"its encoded copy '{text.Path}' could not be read", -1);
        }
        long estimatedBytes = content.Length / 4L * 3;
        if (estimatedBytes > MaxFileBytes)
        {
            return new WeightFileInput(source, true, null, null, estimatedBytes);
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(content.ToString());
        }
        catch (FormatException)
        {
            return new WeightFileInput(source, true, null, $"its encoded copy '{text.Path}' is not valid base64; rebuild so that the StaticNN build targets write it again", -1);
        }
        ct.ThrowIfCancellationRequested();
        try
        {
            return new WeightFileInput(source, true, SafeTensorsReader.Read(bytes), null, bytes.Length);
        }
        catch (FormatException ex)
        {
            return new WeightFileInput(source, true, null, ex.Message, bytes.Length);
        }
    }

    /// <summary>A full path with "." and ".." resolved and one kind of separator, for comparing.</summary>
    public static string Normalize(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    /// <summary>Paths compare as the file system does: case-insensitively on Windows.</summary>
    public static StringComparison PathComparison =>
        Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}
