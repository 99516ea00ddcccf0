using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StaticNN.Serialization;

/// <summary>A tensor about to be written: name, dtype, shape and data length (the data itself is written by the caller).</summary>
internal readonly record struct SafeTensorsLayoutItem(string Name, string DType, long[] Shape, long ByteLength);

/// <summary>Shared pieces of reading and writing: the reference writer's layout, the header bytes, floats as little-endian bytes, atomic files.</summary>
internal static class SafeTensorsIO
{
    /// <summary>
    /// Orders tensors as the reference implementation's writer does: by dtype (its enum order, descending: the widest
    /// alignment first), then by name (ordinal). For float32-only files this is simply the names in ordinal order.
    /// </summary>
    public static void SortLikeReference<TItem>(List<TItem> items, Func<TItem, string> name, Func<TItem, string> dtype)
    {
        items.Sort((a, b) =>
        {
            SafeTensorsDTypes.TryGet(dtype(a), out _, out int rankA);
            SafeTensorsDTypes.TryGet(dtype(b), out _, out int rankB);
            return rankA != rankB ? rankB.CompareTo(rankA) : string.CompareOrdinal(name(a), name(b));
        });
    }

    /// <summary>
    /// The header for tensors laid out in the given order, as the reference writer produces it: compact JSON with
    /// <c>__metadata__</c> first (omitted when null or empty; keys in ordinal order), then each tensor as
    /// <c>{"dtype":..,"shape":[..],"data_offsets":[begin,end]}</c>, padded with spaces to a multiple of 8 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">A metadata key or value is null or not valid UTF-16.</exception>
    public static byte[] BuildHeader(IReadOnlyList<SafeTensorsLayoutItem> orderedTensors, IEnumerable<KeyValuePair<string, string>>? metadata, out long dataLength)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + orderedTensors.Count * 96);
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            List<KeyValuePair<string, string>>? entries = metadata is null ? null : [.. metadata];
            if (entries is { Count: > 0 })
            {
                foreach (KeyValuePair<string, string> pair in entries)
                {
                    if (pair.Key is null || !IsValidUtf16(pair.Key))
                    {
                        throw new ArgumentException("Metadata keys must be non-null, valid UTF-16 strings.", nameof(metadata));
                    }
                    if (pair.Value is null || !IsValidUtf16(pair.Value))
                    {
                        throw new ArgumentException($"The value of metadata key '{pair.Key}' must be a non-null, valid UTF-16 string.", nameof(metadata));
                    }
                }
                entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                for (int i = 1; i < entries.Count; i++)
                {
                    if (string.Equals(entries[i - 1].Key, entries[i].Key, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Metadata key '{entries[i].Key}' appears twice.", nameof(metadata));
                    }
                }
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (KeyValuePair<string, string> pair in entries)
                {
                    json.WriteString(pair.Key, pair.Value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (SafeTensorsLayoutItem item in orderedTensors)
            {
                json.WriteStartObject(item.Name);
                json.WriteString("dtype", item.DType);
                json.WriteStartArray("shape");
                foreach (long dimension in item.Shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + item.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += item.ByteLength;
            }
            json.WriteEndObject();
            dataLength = offset;
        }
        int length = buffer.WrittenCount;
        int padded = (length + 7) / 8 * 8;
        byte[] header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        buffer.WrittenSpan.CopyTo(header.AsSpan(8));
        header.AsSpan(8 + length).Fill((byte)' ');
        return header;
    }

    /// <summary>Writes floats as little-endian IEEE 754 bytes.</summary>
    public static void WriteSingles(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> chunk = stackalloc byte[1024];
        while (!values.IsEmpty)
        {
            int count = Math.Min(values.Length, chunk.Length / 4);
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(i * 4), values[i]);
            }
            stream.Write(chunk.Slice(0, count * 4));
            values = values.Slice(count);
        }
    }

    /// <summary>Reads little-endian IEEE 754 floats; a short read is a <see cref="WeightFileException"/>.</summary>
    public static void ReadSingles(Stream stream, Span<float> destination, string tensorName, string? source)
    {
        SafeTensorsHeader.ReadTensorData(stream, MemoryMarshal.AsBytes(destination), tensorName, source);
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    /// <summary>Reads and discards <paramref name="length"/> bytes (a tensor the network does not use); a short read is a <see cref="WeightFileException"/>.</summary>
    public static void Skip(Stream stream, long length, string tensorName, string? source)
    {
        Span<byte> buffer = stackalloc byte[256];
        while (length > 0)
        {
            int chunk = (int)Math.Min(length, buffer.Length);
            SafeTensorsHeader.ReadTensorData(stream, buffer.Slice(0, chunk), tensorName, source);
            length -= chunk;
        }
    }

    /// <summary>Whether <paramref name="text"/> has no unpaired surrogate (so it has a UTF-8 form).</summary>
    public static bool IsValidUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Opens <paramref name="stream"/> for reading a whole safetensors file from its current position to its end:
    /// returns that length for a seekable stream, and buffers a non-seekable one in memory first (so nothing is
    /// allocated from a header's claims before the real length is known).
    /// </summary>
    public static Stream PrepareForReading(Stream stream, out long available)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }
        if (stream.CanSeek)
        {
            available = Math.Max(0, stream.Length - stream.Position);
            return stream;
        }
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        available = copy.Length;
        return copy;
    }

    /// <summary>The name used in error messages for a stream: a <see cref="FileStream"/>'s path, else null.</summary>
    public static string? NameOf(Stream stream) => stream is FileStream file ? file.Name : null;

    /// <summary>Opens a file for one sequential read.</summary>
    public static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    /// <summary>The temporary file a save of <paramref name="fileName"/> writes first: one well-known name per target.</summary>
    public static string TemporaryName(string fileName) => $".{(fileName.Length > 100 ? fileName[..100] : fileName)}.tmp";

    /// <summary>
    /// Replaces <paramref name="path"/> atomically: writes the temporary file <c>.{name}.tmp</c> in the same folder
    /// (holding it exclusively), flushes it to disk, renames it over the target while still holding it, then flushes
    /// the folder so the rename survives a power loss. If anything fails the temporary file is deleted and the target
    /// is untouched. If the process dies mid-save, the target is untouched and the temporary file remains, but under
    /// the one name per target that the next save reclaims, so killed saves never leave more than one file behind.
    /// Only while another save of the same file is running (the name is taken) does a save fall back to a unique
    /// name, <c>.{name}.{guid}.tmp</c>.
    /// </summary>
    public static void WriteAtomically(string path, long expectedLength, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        }
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string temporary = Path.Combine(directory, TemporaryName(fileName));
        FileStream stream;
        try
        {
            // Create truncates a leftover of a killed save, but only after the exclusive lock is held, so a running
            // save's file is never truncated (Unix: flock; Windows: sharing mode).
            stream = new FileStream(temporary, Options(FileMode.Create, expectedLength));
        }
        catch (IOException) when (File.Exists(temporary))
        {
            temporary = Path.Combine(directory, $".{TemporaryName(fileName)[1..^4]}.{Guid.NewGuid():N}.tmp");
            stream = new FileStream(temporary, Options(FileMode.CreateNew, expectedLength));
        }
        bool renamed = false;
        try
        {
            write(stream);
            stream.Flush(flushToDisk: true);
            // Renamed while still open and locked: no other save can truncate it between the flush and the rename.
            File.Move(temporary, fullPath, overwrite: true);
            renamed = true;
        }
        finally
        {
            if (!renamed)
            {
                TryDelete(temporary); // before closing it, so that it is still ours
            }
            stream.Dispose();
        }
        _ = DirectorySync.Flush(directory);
    }

    private static FileStreamOptions Options(FileMode mode, long expectedLength) => new()
    {
        Mode = mode,
        Access = FileAccess.Write,
        // Windows: Delete sharing lets this handle's own rename through and still keeps every other writer out.
        // Unix: None is an exclusive flock, which other saves honour.
        Share = OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None,
        BufferSize = 1 << 16,
        PreallocationSize = expectedLength,
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
