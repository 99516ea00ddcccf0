using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
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
/// A raw file is read in 64 KiB chunks straight into the result array, after its length has been checked against
/// the header. A gzip file's length is known only once it is decoded, so it is decoded first into chunks that grow
/// with what actually arrives (64 KiB, doubling to 1 MiB), and the result is allocated only when all the promised
/// data is there.
/// </para>
/// <para>
/// <b>Any input.</b> Every problem with a file (wrong magic, a truncated file, a bad header, sizes whose product
/// does not fit in an array, mismatched counts, an out-of-range label, corrupt gzip data) throws
/// <see cref="InvalidDataException"/> naming the file, the header values or the place, and the problem; failures
/// to read the file (missing, access denied) propagate as the framework's <see cref="IOException"/> types. Nothing
/// else is thrown, nothing is partially returned, and a load never hangs: time is linear in the bytes read. Memory: a
/// raw file allocates at most 4 bytes per byte of the file (the <see cref="float"/> or <see cref="int"/> result) plus
/// 1 MB; a gzip file at most 5 bytes per decompressed byte (the decoded chunks and the result) plus 1 MB, and one
/// whose header promises more than it holds fails after at most 2 bytes per decompressed byte plus 1 MB (measured on
/// 2 MB of pixels: 4.07 bytes per byte raw, 5.03 per decompressed byte gzipped; 1.05 for a truncated 3 MB). These
/// bounds are checked by <c>tests/StaticNN.Tests/Reliability</c>: <c>IdxHostileInputTests</c> (the overflowing sizes
/// and lying gzip headers of issue 18) and <c>IdxFuzzTests</c> (5,000 mutated files, raw and gzipped, also loaded
/// with <see cref="Load"/> beside a valid partner).
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
        string promised = $"{count} labels";
        CheckLength(stream, 8 + (long)count, path, kind, promised);

        using Payload data = Payload.Read(stream, count, path, kind, promised, "labels");
        var labels = new int[count];
        while (data.Next(out ReadOnlySpan<byte> bytes, out int done))
        {
            TensorPrimitives.ConvertTruncating<byte, int>(bytes, labels.AsSpan(done, bytes.Length));
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
        // Three 31-bit factors need up to 93 bits: UInt128 holds the exact product, so no size can wrap.
        UInt128 exact = (UInt128)(uint)count * (uint)rows * (uint)columns;
        if (exact > (UInt128)Array.MaxLength)
        {
            throw new InvalidDataException(
                $"{kind} '{path}': the header gives {count} images of {rows}x{columns} = {exact} pixels, more than one array can hold ({Array.MaxLength}); the header is corrupt or the file is not an IDX image file.");
        }
        int total = (int)exact;
        string promised = $"{count} images of {rows}x{columns}";
        CheckLength(stream, 16 + (long)total, path, kind, promised);

        using Payload data = Payload.Read(stream, total, path, kind, promised, "pixel bytes");
        var pixels = new float[total];
        while (data.Next(out ReadOnlySpan<byte> bytes, out int done))
        {
            Span<float> destination = pixels.AsSpan(done, bytes.Length);
            TensorPrimitives.ConvertTruncating<byte, float>(bytes, destination);
            TensorPrimitives.Divide(destination, 255f, destination);
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

    /// <summary>
    /// For an uncompressed file, checks the length up front so a bad header cannot trigger a huge allocation. (A gzip
    /// stream's length is unknown until it is decoded: <see cref="Payload"/> buffers what arrives instead.)
    /// </summary>
    private static void CheckLength(Stream stream, long expected, string path, string kind, string promised)
    {
        if (stream is FileStream file && file.Length < expected)
        {
            throw new InvalidDataException($"{kind} '{path}' is truncated: the header promises {promised} ({expected} bytes with the header) but the file has {file.Length} bytes.");
        }
    }

    /// <summary>
    /// The data bytes after the header, handed out in chunks in file order. A raw file has passed
    /// <see cref="CheckLength"/>, so its chunks are read on demand into one pooled buffer. A gzip stream is decoded
    /// completely first, into chunks that grow with what arrives (64 KiB, doubling to 1 MiB), so a header that
    /// promises more than the data holds fails after allocating at most about twice the bytes that really arrived,
    /// before the caller allocates the result.
    /// </summary>
    private sealed class Payload : IDisposable
    {
        private const int FirstBufferedChunk = 1 << 16;
        private const int LargestBufferedChunk = 1 << 20;

        private readonly Stream _stream;
        private readonly int _total;
        private readonly string _path, _kind, _promised, _unit;
        private readonly List<byte[]>? _chunks;
        private byte[]? _pooled;
        private int _done;
        private int _next;

        private Payload(Stream stream, int total, string path, string kind, string promised, string unit, List<byte[]>? chunks)
        {
            _stream = stream;
            _total = total;
            _path = path;
            _kind = kind;
            _promised = promised;
            _unit = unit;
            _chunks = chunks;
        }

        public static Payload Read(Stream stream, int total, string path, string kind, string promised, string unit)
        {
            if (stream is FileStream)
            {
                return new Payload(stream, total, path, kind, promised, unit, chunks: null);
            }
            var chunks = new List<byte[]>();
            int received = 0;
            while (received < total)
            {
                int size = Math.Min(total - received, Math.Min(LargestBufferedChunk, FirstBufferedChunk << Math.Min(chunks.Count, 4)));
                byte[] chunk = new byte[size];
                int filled = 0;
                while (filled < size)
                {
                    int n = ReadChunk(stream, chunk.AsSpan(filled), path, kind);
                    if (n == 0)
                    {
                        throw Truncated(path, kind, promised, received + filled, unit);
                    }
                    filled += n;
                }
                chunks.Add(chunk);
                received += size;
            }
            return new Payload(stream, total, path, kind, promised, unit, chunks);
        }

        /// <summary>The next chunk and the number of bytes before it; false after the last one.</summary>
        public bool Next(out ReadOnlySpan<byte> bytes, out int done)
        {
            done = _done;
            if (_done >= _total)
            {
                bytes = default;
                return false;
            }
            if (_chunks is not null)
            {
                bytes = _chunks[_next];
                _chunks[_next++] = [];
                _done += bytes.Length;
                return true;
            }
            _pooled ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
            int read = ReadChunk(_stream, _pooled.AsSpan(0, Math.Min(ChunkSize, _total - _done)), _path, _kind);
            if (read == 0)
            {
                throw Truncated(_path, _kind, _promised, _done, _unit); // the file shrank after the length check
            }
            bytes = _pooled.AsSpan(0, read);
            _done += read;
            return true;
        }

        public void Dispose()
        {
            if (_pooled is not null)
            {
                ArrayPool<byte>.Shared.Return(_pooled);
                _pooled = null;
            }
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
