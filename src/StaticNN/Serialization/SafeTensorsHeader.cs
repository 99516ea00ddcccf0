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
internal sealed class SafeTensorsEntry(string name, string dtype, long[] shape, long begin, long end, long elementCount)
{
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

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string>? metadata, long dataLength)
    {
        Entries = entries;
        Metadata = metadata;
        DataLength = dataLength;
    }

    /// <summary>The tensors, in header (JSON) order.</summary>
    public List<SafeTensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> map, or null when the header has none.</summary>
    public Dictionary<string, string>? Metadata { get; }

    /// <summary>Length of the data section, which the tensors cover exactly.</summary>
    public long DataLength { get; }

    /// <summary>The tensors ordered by their position in the data section.</summary>
    public List<SafeTensorsEntry> EntriesInDataOrder()
    {
        var ordered = new List<SafeTensorsEntry>(Entries);
        ordered.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        return ordered;
    }

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

        var entries = new List<SafeTensorsEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
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
                entries.Add(ReadEntry(ref reader, name, dataLength, source));
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

        CheckCoverage(entries, dataLength, source);
        return new SafeTensorsHeader(entries, metadata, dataLength);
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

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, long dataLength, string? source)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new WeightFileException($"tensor '{name}' is {Describe(reader.TokenType)}, not an object with dtype, shape and data_offsets", source);
        }
        string? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            string property = reader.GetString()!;
            switch (property)
            {
                case "dtype":
                    Next(ref reader);
                    if (dtype is not null)
                    {
                        throw new WeightFileException($"tensor '{name}' has two \"dtype\" fields", source);
                    }
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new WeightFileException($"the dtype of tensor '{name}' is {Describe(reader.TokenType)}, not a string", source);
                    }
                    dtype = reader.GetString()!;
                    break;
                case "shape":
                    if (shape is not null)
                    {
                        throw new WeightFileException($"tensor '{name}' has two \"shape\" fields", source);
                    }
                    shape = ReadIntegers(ref reader, name, "shape", source);
                    break;
                case "data_offsets":
                    if (offsets is not null)
                    {
                        throw new WeightFileException($"tensor '{name}' has two \"data_offsets\" fields", source);
                    }
                    offsets = ReadIntegers(ref reader, name, "data_offsets", source);
                    break;
                default:
                    // Unknown fields are ignored, as the reference implementation does.
                    reader.Skip();
                    break;
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new WeightFileException($"tensor '{name}' has no \"{missing}\"", source);
        }
        if (offsets.Count != 2)
        {
            throw new WeightFileException($"the data_offsets of tensor '{name}' have {offsets.Count} values instead of [begin, end]", source);
        }
        long begin = offsets[0];
        long end = offsets[1];
        string shapeText = FormatShape(shape);
        if (!SafeTensorsDTypes.TryGet(dtype, out int bits, out _))
        {
            throw new WeightFileException($"tensor '{name}' has unknown dtype '{dtype}'", source);
        }
        if (SafeTensorsDTypes.TryGetByteLength(shape.ToArray(), bits, out long elements, out long bytes) is string problem)
        {
            throw new WeightFileException($"tensor '{name}' of shape {shapeText} {problem}", source);
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
                $"tensor '{name}' of dtype {dtype} and shape {shapeText} needs {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}", source);
        }
        return new SafeTensorsEntry(name, dtype, shape.ToArray(), begin, end, elements);
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string field, string? source)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new WeightFileException($"the {field} of tensor '{name}' is {Describe(reader.TokenType)}, not an array of integers", source);
        }
        var values = new List<long>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values;
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
    private static void CheckCoverage(List<SafeTensorsEntry> entries, long dataLength, string? source)
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
