using System.IO;

namespace StaticNN.Serialization;

/// <summary>
/// A weight file (safetensors) that cannot be loaded: it is malformed (bad header length, invalid JSON, offsets that
/// overlap or leave the data section, sizes that do not match shapes...) or it does not fit the network (a missing,
/// unexpected or differently shaped tensor, a dtype other than F32). The message names the file and the first problem.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/>: a bad weight file is a failure to load from storage, so code that already
/// handles <c>catch (IOException)</c> around file access also handles it. (<see cref="InvalidDataException"/>, the
/// framework's "stream in an invalid format" exception, is sealed.) To tell a bad file from a failure to read one
/// (missing file, access denied, disk error: those propagate as the framework's own <see cref="IOException"/> types,
/// unwrapped), catch <see cref="WeightFileException"/> first.
/// </remarks>
public sealed class WeightFileException : IOException
{
    /// <summary>Creates the exception for a problem found in <paramref name="filePath"/>.</summary>
    /// <param name="reason">What is wrong, without the file name.</param>
    /// <param name="filePath">The file being read, or null for a stream without a name.</param>
    public WeightFileException(string reason, string? filePath)
        : base(Format(reason, filePath))
    {
        Reason = reason;
        FilePath = filePath;
    }

    /// <summary>What is wrong, without the file name (for example "layers.1.weight has shape [3, 12] in the file but the network expects [3, 10]").</summary>
    public string Reason { get; }

    /// <summary>The file being read (for a <see cref="FileStream"/>, its name), or null for another stream.</summary>
    public string? FilePath { get; }

    private static string Format(string reason, string? filePath) => filePath is null
        ? $"Cannot load weights from the stream: {reason}"
        : $"Cannot load weight file '{filePath}': {reason}";
}
