using System.IO;
using System.IO.Compression;

namespace StaticNN.Tests.Reliability.Fuzzing;

/// <summary>
/// What a loader can have read from a possibly gzip-compressed input: the bytes a gzip decoder yields before the data
/// ends or turns out corrupt (the input's length when it is not gzip). The allocation bound of the IDX contract is
/// measured against it. Shared by the fuzz suite and tests/StaticNN.Fuzz (linked there).
/// </summary>
internal static class GzipDecodedLength
{
    public static long Of(byte[] input)
    {
        if (input.Length < 2 || input[0] != 0x1F || input[1] != 0x8B)
        {
            return input.Length;
        }
        return Decode(input, new byte[1 << 16]) ?? Decode(input, new byte[1]) ?? 0;
    }

    /// <summary>
    /// The bytes decoded with reads of <paramref name="buffer"/>'s size, or null when the data turns out corrupt and the
    /// buffer is larger than a byte: a Read that runs into corrupt data throws away what it decoded in the same call, so
    /// only one byte at a time counts all that a loader reading a small header first can have received.
    /// </summary>
    private static long? Decode(byte[] file, byte[] buffer)
    {
        long total = 0;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
            int n;
            while ((n = gzip.Read(buffer)) > 0)
            {
                total += n;
            }
        }
        catch (InvalidDataException)
        {
            return buffer.Length == 1 ? total : null;
        }
        return total;
    }
}
