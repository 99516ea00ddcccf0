using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace StaticNN.Serialization;

/// <summary>One tensor as the header declares it, after validation.</summary>
internal sealed class SafeTensorsEntry(int index, string name, string dtype, long[] shape, long begin, long end, long elementCount)
{
    /// <summary>Position in the header (JSON) order.</summary>
    public int Index { get; } = index;

    public string Name { get; } = name;

    public string DType { get; } = dtype;

    public long[] Shape { get; } = shape;

    /// <summary>First byte, relative to the start of the data section.</summary>
    public long Begin { get; } = begin;

    /// <summary>One past the last byte, relative to the start of the data section.</summary>
    public long End { get; } = end;

    public long ElementCount { get; } = elementCount;

    public long ByteLength => End - Begin;
}

/// <summary>
/// A parsed and fully validated safetensors header: every rule is checked against the real length of the data before
/// anything the header declares is allocated.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>Key of the string-to-string metadata map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly List<SafeTensorsEntry> _inDataOrder;

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, List<SafeTensorsEntry> inDataOrder, Dictionary<string, string>? metadata, long dataLength)
    {
        Entries = entries;
        _inDataOrder = inDataOrder;
        Metadata = metadata;
        DataLength = dataLength;
    }

    /// <summary>The tensors, in header (JSON) order.</summary>
    public List<SafeTensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> map, or null when the header has none.</summary>
    public Dictionary<string, string>? Metadata { get; }

    /// <summary>Length of the data section, which the tensors cover exactly.</summary>
    public long DataLength { get; }

    /// <summary>The tensors ordered by their position in the data section (sorted once, by the coverage check).</summary>
    public List<SafeTensorsEntry> EntriesInDataOrder() => _inDataOrder;

    /// <summary>
    /// Reads the 8-byte length and the header from <paramref name="stream"/> (positioned at the start of the file, with
    /// <paramref name="available"/> bytes from there to its end), validates it, and leaves the stream at the first data byte.
    /// </summary>
    /// <exception cref="WeightFileException">The header is malformed or does not match the file.</exception>
    public static SafeTensorsHeader Read(Stream stream, long available, string? source)
    {
        if (available < 8)
        {
            throw new WeightFileException(
                $"the file has {available} bytes, but a safetensors file starts with an 8-byte header length", source);
        }
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "the header length", source);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        long afterPrefix = available - 8;
        if (headerLength > (ulong)afterPrefix)
        {
            throw new WeightFileException(
                $"the header length {headerLength} is larger than the {afterPrefix} bytes that follow it (truncated or not a safetensors file)", source);
        }
        if (headerLength > SafeTensorsFile.MaxHeaderLength)
        {
            throw new WeightFileException(
                $"the header length {headerLength} exceeds the limit of {SafeTensorsFile.MaxHeaderLength} bytes", source);
        }
        if (headerLength < 2)
        {
            throw new WeightFileException($"the header length is {headerLength}; the header must hold at least \"{{}}\"", source);
        }
        byte[] header = new byte[(int)headerLength];
        ReadExactly(stream, header, "the header", source);
        return Parse(header, afterPrefix - (long)headerLength, source);
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes; a short read means the data is truncated.</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string what, string? source)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new WeightFileException($"the file ends in the middle of {what}", source);
        }
    }

    /// <summary>Parses and validates the JSON header for a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> header, long dataLength, string? source)
    {
        if (header.IsEmpty)
        {
            throw new WeightFileException("the header is empty", source);
        }
        if (!Utf8.IsValid(header))
        {
            throw new WeightFileException("the header is not valid UTF-8", source);
        }
        if (header[0] != (byte)'{')
        {
            throw new WeightFileException($"the header does not start with '{{' (first byte 0x{header[0]:X2})", source);
        }

        // Per entry only what the result keeps is allocated (its name, its shape, the entry): property names and
        // dtypes are matched in place, and one scratch list holds every shape while it is read.
        // Sized once from the header's length (the shortest entry, '"a":{"dtype":"U8","shape":[],"data_offsets":[0,1]}',
        // has 48 bytes), so they never grow: growing the set cost about 40 bytes per entry.
        int capacity = header.Length / 48 + 1;
        var entries = new List<SafeTensorsEntry>(capacity);
        var names = new HashSet<string>(capacity, StringComparer.Ordinal);
        var scratch = new List<long>();
        Dictionary<string, string>? metadata = null;
        bool sawMetadata = false;
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            reader.Read(); // StartObject: the first byte is '{'.
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                string name = reader.GetString()!;
                if (name == MetadataKey)
                {
                    if (sawMetadata)
                    {
                        throw new WeightFileException($"the header has two \"{MetadataKey}\" entries", source);
                    }
                    sawMetadata = true;
                    metadata = ReadMetadata(ref reader, source);
                    continue;
                }
                if (!names.Add(name))
                {
                    throw new WeightFileException($"the header declares tensor '{name}' twice", source);
                }
                entries.Add(ReadEntry(ref reader, entries.Count, name, dataLength, scratch, source));
            }
            // Only whitespace (the padding) may follow the object; anything else makes Read throw.
            if (reader.Read())
            {
                throw new WeightFileException("the header has content after its JSON object", source);
            }
        }
        catch (JsonException e)
        {
            throw new WeightFileException($"the header is not valid JSON ({e.Message})", source);
        }
        catch (InvalidOperationException e)
        {
            // GetString on a string whose escapes decode to invalid UTF-16 (a lone surrogate such as \uD800).
            throw new WeightFileException($"the header has an invalid string ({e.Message})", source);
        }

        List<SafeTensorsEntry> inDataOrder = CheckCoverage(entries, dataLength, source);
        return new SafeTensorsHeader(entries, inDataOrder, metadata, dataLength);
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The JSON ends early.");
        }
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader, string? source)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new WeightFileException($"\"{MetadataKey}\" is {Describe(reader.TokenType)}, not an object of strings", source);
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return metadata;
            }
            string key = reader.GetString()!;
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new WeightFileException($"metadata value '{key}' is {Describe(reader.TokenType)}, not a string", source);
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new WeightFileException($"metadata key '{key}' appears twice", source);
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, int index, string name, long dataLength, List<long> scratch, string? source)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new WeightFileException($"tensor '{name}' is {Describe(reader.TokenType)}, not an object with dtype, shape and data_offsets", source);
        }
        string? dtype = null;
        long[]? shape = null;
        bool hasOffsets = false;
        long begin = 0, end = 0;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            if (reader.ValueTextEquals("dtype"u8))
            {
                Next(ref reader);
                if (dtype is not null)
                {
                    throw new WeightFileException($"tensor '{name}' has two \"dtype\" fields", source);
                }
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new WeightFileException($"the dtype of tensor '{name}' is {Describe(reader.TokenType)}, not a string", source);
                }
                dtype = SafeTensorsDTypes.Match(ref reader) ?? throw new WeightFileException($"tensor '{name}' has unknown dtype '{reader.GetString()}'", source);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (shape is not null)
                {
                    throw new WeightFileException($"tensor '{name}' has two \"shape\" fields", source);
                }
                ReadIntegers(ref reader, name, "shape", scratch, source);
                shape = scratch.Count == 0 ? [] : scratch.ToArray();
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                if (hasOffsets)
                {
                    throw new WeightFileException($"tensor '{name}' has two \"data_offsets\" fields", source);
                }
                ReadIntegers(ref reader, name, "data_offsets", scratch, source);
                if (scratch.Count != 2)
                {
                    throw new WeightFileException($"the data_offsets of tensor '{name}' have {scratch.Count} values instead of [begin, end]", source);
                }
                hasOffsets = true;
                begin = scratch[0];
                end = scratch[1];
            }
            else
            {
                // Unknown fields are ignored, as the reference implementation does.
                reader.Skip();
            }
        }

        if (dtype is null || shape is null || !hasOffsets)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new WeightFileException($"tensor '{name}' has no \"{missing}\"", source);
        }
        SafeTensorsDTypes.TryGet(dtype, out int bits, out _);
        if (SafeTensorsDTypes.TryGetByteLength(shape, bits, out long elements, out long bytes) is string problem)
        {
            throw new WeightFileException($"tensor '{name}' of shape {FormatShape(shape)} {problem}", source);
        }
        if (end < begin)
        {
            throw new WeightFileException($"tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin", source);
        }
        if (end > dataLength)
        {
            throw new WeightFileException(
                $"tensor '{name}' has data_offsets [{begin}, {end}] beyond the end of the data section ({dataLength} bytes)", source);
        }
        if (end - begin != bytes)
        {
            throw new WeightFileException(
                $"tensor '{name}' of dtype {dtype} and shape {FormatShape(shape)} needs {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}", source);
        }
        return new SafeTensorsEntry(index, name, dtype, shape, begin, end, elements);
    }

    /// <summary>Reads an array of non-negative integers into <paramref name="values"/> (cleared first).</summary>
    private static void ReadIntegers(ref Utf8JsonReader reader, string name, string field, List<long> values, string? source)
    {
        values.Clear();
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new WeightFileException($"the {field} of tensor '{name}' is {Describe(reader.TokenType)}, not an array of integers", source);
        }
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new WeightFileException($"the {field} of tensor '{name}' contains {Describe(reader.TokenType)}, not only integers", source);
            }
            if (!reader.TryGetInt64(out long value) || value < 0)
            {
                string text = Encoding.UTF8.GetString(reader.ValueSpan);
                throw new WeightFileException($"the {field} of tensor '{name}' contains {text}, which is not an integer from 0 to {long.MaxValue}", source);
            }
            values.Add(value);
        }
    }

    /// <summary>The tensors must tile the data section: sorted by offset, each begins where the previous one ends.</summary>
    private static List<SafeTensorsEntry> CheckCoverage(List<SafeTensorsEntry> entries, long dataLength, string? source)
    {
        var ordered = new List<SafeTensorsEntry>(entries);
        ordered.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry entry in ordered)
        {
            if (entry.Begin < position)
            {
                throw new WeightFileException(
                    $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}] and '{entry.Name}' [{entry.Begin}, {entry.End}] overlap", source);
            }
            if (entry.Begin > position)
            {
                throw new WeightFileException(
                    $"bytes {position} to {entry.Begin} of the data section belong to no tensor (the next tensor is '{entry.Name}'); the tensors must cover the data contiguously", source);
            }
            position = entry.End;
            previous = entry;
        }
        if (position != dataLength)
        {
            throw new WeightFileException(
                $"the data section has {dataLength} bytes but the tensors cover only the first {position}; the tensors must cover the data contiguously", source);
        }
        return ordered;
    }

    /// <summary>Formats a shape as PyTorch prints sizes: [3, 10].</summary>
    public static string FormatShape(IEnumerable<long> shape) =>
        "[" + string.Join(", ", FormatAll(shape)) + "]";

    private static IEnumerable<string> FormatAll(IEnumerable<long> shape)
    {
        foreach (long dimension in shape)
        {
            yield return dimension.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
