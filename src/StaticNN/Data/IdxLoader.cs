using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace StaticNN.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c>,
/// <c>train-labels-idx1-ubyte</c>), raw or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>
/// Compression is detected from the gzip magic bytes <c>1f 8b</c>, not from the file name. Image files have magic
/// <c>0x00000803</c> (unsigned bytes, 3 dimensions) followed by big-endian 32-bit image count, rows and columns;
/// label files have magic <c>0x00000801</c> followed by the count. Bytes after the data the header promises are
/// ignored.
/// </para>
/// <para>
/// Data is read in 64 KiB chunks straight into the result array; the file is never held in memory as a whole.
/// Every problem with a file (wrong magic, a truncated file, a bad header, mismatched counts, an out-of-range
/// label, corrupt gzip data) throws <see cref="InvalidDataException"/> naming the file.
/// </para>
/// </remarks>
public static class IdxLoader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with 3 dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with 1 dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    private const int ChunkSize = 1 << 16;

    /// <summary>
    /// Loads an image file and its label file as a labelled data set: one row of <c>rows * columns</c> pixels per
    /// image, each byte scaled to [0, 1] as <c>value / 255f</c>.
    /// </summary>
    /// <param name="imagesPath">IDX image file (magic <c>0x00000803</c>), raw or gzipped.</param>
    /// <param name="labelsPath">IDX label file (magic <c>0x00000801</c>), raw or gzipped, with one label per image.</param>
    /// <param name="classCount">
    /// Number of classes (10 for MNIST); every label must be below it. Null infers it as the largest label + 1.
    /// </param>
    /// <returns>A data set with <see cref="Dataset.FeatureSize"/> = rows * columns and <see cref="Dataset.ClassCount"/> = <paramref name="classCount"/>.</returns>
    /// <exception cref="InvalidDataException">A file is malformed, the counts differ, or a label is not below <paramref name="classCount"/>.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, int? classCount = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        if (classCount is int given)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(given, nameof(classCount));
        }

        int[] labels = ReadLabels(labelsPath);
        int classes;
        if (classCount is int count)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] >= count)
                {
                    throw new InvalidDataException($"IDX label file '{labelsPath}': label {labels[i]} of item {i} is not below the class count {count}.");
                }
            }
            classes = count;
        }
        else
        {
            int max = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                max = Math.Max(max, labels[i]);
            }
            classes = max + 1;
        }

        float[] pixels = ReadImages(imagesPath, out int images, out int rows, out int columns, expectedCount: labels.Length, labelsPath);
        return new Dataset(pixels, rows * columns, labels, classes);
    }

    /// <summary>Reads an IDX image file into row-major pixels scaled to [0, 1] (<c>value / 255f</c>), one row of <c>rows * columns</c> values per image.</summary>
    /// <param name="path">IDX image file (magic <c>0x00000803</c>), raw or gzipped.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Rows per image.</param>
    /// <param name="columns">Columns per image.</param>
    /// <returns>The pixels, <c>count * rows * columns</c> values.</returns>
    /// <exception cref="InvalidDataException">The file is malformed or truncated.</exception>
    public static float[] ReadImages(string path, out int count, out int rows, out int columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadImages(path, out count, out rows, out columns, expectedCount: -1, labelsPath: null);
    }

    /// <summary>Reads an IDX label file: one class index (0 to 255) per item.</summary>
    /// <param name="path">IDX label file (magic <c>0x00000801</c>), raw or gzipped.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="InvalidDataException">The file is malformed or truncated.</exception>
    public static int[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        const string kind = "IDX label file";
        using Stream stream = Open(path);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(stream, header, path, kind);
        CheckMagic(header, LabelsMagic, path, kind, "unsigned bytes, 1 dimension");
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count <= 0)
        {
            throw new InvalidDataException($"{kind} '{path}': the header gives {count} labels; expected at least 1.");
        }
        CheckLength(stream, 8 + (long)count, path, kind, $"{count} labels");

        var labels = new int[count];
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int done = 0;
            while (done < count)
            {
                int n = ReadChunk(stream, chunk.AsSpan(0, Math.Min(ChunkSize, count - done)), path, kind);
                if (n == 0)
                {
                    throw Truncated(path, kind, $"{count} labels", done, "labels");
                }
                TensorPrimitives.ConvertTruncating<byte, int>(chunk.AsSpan(0, n), labels.AsSpan(done, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return labels;
    }

    private static float[] ReadImages(string path, out int count, out int rows, out int columns, int expectedCount, string? labelsPath)
    {
        const string kind = "IDX image file";
        using Stream stream = Open(path);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(stream, header, path, kind);
        CheckMagic(header, ImagesMagic, path, kind, "unsigned bytes, 3 dimensions");
        count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count <= 0 || rows <= 0 || columns <= 0)
        {
            throw new InvalidDataException($"{kind} '{path}': the header gives {count} images of {rows}x{columns}; every dimension must be at least 1.");
        }
        if (expectedCount >= 0 && count != expectedCount)
        {
            throw new InvalidDataException($"{kind} '{path}' holds {count} images but label file '{labelsPath}' holds {expectedCount} labels.");
        }
        long total = (long)count * rows * columns;
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"{kind} '{path}': {count} images of {rows}x{columns} ({total} pixels) exceed the largest array.");
        }
        string promised = $"{count} images of {rows}x{columns}";
        CheckLength(stream, 16 + total, path, kind, promised);

        var pixels = new float[total];
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int done = 0;
            while (done < pixels.Length)
            {
                int n = ReadChunk(stream, chunk.AsSpan(0, Math.Min(ChunkSize, pixels.Length - done)), path, kind);
                if (n == 0)
                {
                    throw Truncated(path, kind, promised, done, "pixel bytes");
                }
                Span<float> destination = pixels.AsSpan(done, n);
                TensorPrimitives.ConvertTruncating<byte, float>(chunk.AsSpan(0, n), destination);
                TensorPrimitives.Divide(destination, 255f, destination);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return pixels;
    }

    /// <summary>Opens <paramref name="path"/>, decompressing when it starts with the gzip magic <c>1f 8b</c>.</summary>
    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b
                ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false)
                : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void ReadHeader(Stream stream, Span<byte> header, string path, string kind)
    {
        int n = 0;
        while (n < header.Length)
        {
            int read = ReadChunk(stream, header[n..], path, kind);
            if (read == 0)
            {
                throw new InvalidDataException($"{kind} '{path}' is truncated: it ends after {n} bytes, inside the {header.Length}-byte header.");
            }
            n += read;
        }
    }

    private static void CheckMagic(ReadOnlySpan<byte> header, int expected, string path, string kind, string meaning)
    {
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
        {
            throw new InvalidDataException($"{kind} '{path}' has magic number 0x{magic:X8}; expected 0x{expected:X8} ({meaning}).");
        }
    }

    /// <summary>For an uncompressed file, checks the length up front so a bad header cannot trigger a huge allocation.</summary>
    private static void CheckLength(Stream stream, long expected, string path, string kind, string promised)
    {
        if (stream is FileStream file && file.Length < expected)
        {
            throw new InvalidDataException($"{kind} '{path}' is truncated: the header promises {promised} ({expected} bytes with the header) but the file has {file.Length} bytes.");
        }
    }

    private static InvalidDataException Truncated(string path, string kind, string promised, int done, string unit) =>
        new($"{kind} '{path}' is truncated: the header promises {promised} but the data ends after {done} {unit}.");

    /// <summary>One <see cref="Stream.Read(Span{byte})"/>, with gzip decoding errors re-thrown naming the file.</summary>
    private static int ReadChunk(Stream stream, Span<byte> buffer, string path, string kind)
    {
        try
        {
            return stream.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{kind} '{path}': corrupt gzip data ({e.Message})", e);
        }
    }
}
