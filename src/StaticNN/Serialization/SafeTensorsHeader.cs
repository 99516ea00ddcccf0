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

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes of tensor <paramref name="tensorName"/>'s data; the message is built only on a short read.</summary>
    public static void ReadTensorData(Stream stream, Span<byte> buffer, string tensorName, string? source)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new WeightFileException($"the file ends in the middle of the data of tensor '{Clip(tensorName)}'", source);
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
        CheckLiterals(header, source);

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
                    throw new WeightFileException($"the header declares tensor '{Clip(name)}' twice", source);
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
            throw new WeightFileException(InvalidJson(header, e), source);
        }
        catch (InvalidOperationException e)
        {
            // GetString on a string whose escapes decode to invalid UTF-16 (a lone surrogate such as \uD800).
            throw new WeightFileException($"the header has an invalid string ({Clip(e.Message)})", source);
        }

        List<SafeTensorsEntry> inDataOrder = CheckCoverage(entries, dataLength, source);
        return new SafeTensorsHeader(entries, inDataOrder, metadata, dataLength);
    }

    /// <summary>
    /// Rejects a run of more than 5 bytes outside a string that starts with <c>t</c>, <c>f</c> or <c>n</c> and reaches
    /// no delimiter (<c>, ] }</c> or whitespace): valid JSON has only <c>true</c>, <c>false</c> and <c>null</c> there.
    /// <see cref="Utf8JsonReader"/> would reject it too, but its message quotes the whole run, which can be the whole
    /// header (about 8 bytes allocated per byte); this message quotes a few.
    /// </summary>
    private static void CheckLiterals(ReadOnlySpan<byte> header, string? source)
    {
        bool inString = false;
        for (int i = 0; i < header.Length; i++)
        {
            byte b = header[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++; // the escaped byte, which may be a quote
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
                continue;
            }
            if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'t' or (byte)'f' or (byte)'n')
            {
                int end = i;
                while (end < header.Length && header[end] is not ((byte)',' or (byte)']' or (byte)'}' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    end++;
                }
                if (end - i > 5)
                {
                    throw new WeightFileException(
                        $"the header is not valid JSON at byte {i} of the header (byte {8 + i} of the file): '{Clip(header[i..Math.Min(end, i + 16)])}{(end - i > 16 ? "..." : "")}' is not true, false or null", source);
                }
                i = end - 1;
            }
        }
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
        // Counted first on a copy of the reader, so the map is allocated once at its final size: growing it cost
        // about 60 bytes per entry, more than an entry's 8 bytes of JSON ('"k":"v",') allow.
        var metadata = new Dictionary<string, string>(CountProperties(reader), StringComparer.Ordinal);
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
                throw new WeightFileException($"metadata value '{Clip(key)}' is {Describe(reader.TokenType)}, not a string", source);
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new WeightFileException($"metadata key '{Clip(key)}' appears twice", source);
            }
        }
    }

    /// <summary>The number of properties of the object whose start <paramref name="reader"/> is on (a copy is advanced, not the caller's reader).</summary>
    private static int CountProperties(Utf8JsonReader reader)
    {
        int count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            count++;
            if (!reader.Read())
            {
                break;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }
        return count;
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, int index, string name, long dataLength, List<long> scratch, string? source)
    {
        string shown = Clip(name); // in messages only
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new WeightFileException($"tensor '{shown}' is {Describe(reader.TokenType)}, not an object with dtype, shape and data_offsets", source);
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
                    throw new WeightFileException($"tensor '{shown}' has two \"dtype\" fields", source);
                }
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new WeightFileException($"the dtype of tensor '{shown}' is {Describe(reader.TokenType)}, not a string", source);
                }
                dtype = SafeTensorsDTypes.Match(ref reader) ?? throw new WeightFileException($"tensor '{shown}' has unknown dtype '{Clip(reader.GetString()!)}'", source);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (shape is not null)
                {
                    throw new WeightFileException($"tensor '{shown}' has two \"shape\" fields", source);
                }
                ReadIntegers(ref reader, shown, "shape", SafeTensorsFile.MaxRank, scratch, source);
                shape = scratch.Count == 0 ? [] : scratch.ToArray();
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                if (hasOffsets)
                {
                    throw new WeightFileException($"tensor '{shown}' has two \"data_offsets\" fields", source);
                }
                ReadIntegers(ref reader, shown, "data_offsets", 2, scratch, source);
                if (scratch.Count != 2)
                {
                    throw new WeightFileException($"the data_offsets of tensor '{shown}' have {scratch.Count} value(s) instead of [begin, end]", source);
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
            throw new WeightFileException($"tensor '{shown}' has no \"{missing}\"", source);
        }
        SafeTensorsDTypes.TryGet(dtype, out int bits, out _);
        if (SafeTensorsDTypes.TryGetByteLength(shape, bits, out long elements, out long bytes) is string problem)
        {
            throw new WeightFileException($"tensor '{shown}' of shape {FormatShape(shape)} {problem}", source);
        }
        if (end < begin)
        {
            throw new WeightFileException($"tensor '{shown}' has data_offsets [{begin}, {end}] that end before they begin", source);
        }
        if (end > dataLength)
        {
            throw new WeightFileException(
                $"tensor '{shown}' has data_offsets [{begin}, {end}] beyond the end of the data section ({dataLength} bytes)", source);
        }
        if (end - begin != bytes)
        {
            throw new WeightFileException(
                $"tensor '{shown}' of dtype {dtype} and shape {FormatShape(shape)} needs {bytes} bytes, but its data_offsets [{begin}, {end}] span {end - begin}", source);
        }
        return new SafeTensorsEntry(index, name, dtype, shape, begin, end, elements);
    }

    /// <summary>
    /// Reads an array of at most <paramref name="max"/> non-negative integers into <paramref name="values"/> (cleared
    /// first); a longer array fails at its first extra value, so <paramref name="values"/> never grows past the limit.
    /// </summary>
    private static void ReadIntegers(ref Utf8JsonReader reader, string shown, string field, int max, List<long> values, string? source)
    {
        values.Clear();
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new WeightFileException($"the {field} of tensor '{shown}' is {Describe(reader.TokenType)}, not an array of integers", source);
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
                throw new WeightFileException($"the {field} of tensor '{shown}' contains {Describe(reader.TokenType)}, not only integers", source);
            }
            if (!reader.TryGetInt64(out long value) || value < 0)
            {
                throw new WeightFileException($"the {field} of tensor '{shown}' contains {Clip(reader.ValueSpan)}, which is not an integer from 0 to {long.MaxValue}", source);
            }
            if (values.Count == max)
            {
                throw new WeightFileException(field == "shape"
                    ? $"the shape of tensor '{shown}' has more than {max} dimensions (SafeTensorsFile.MaxRank)"
                    : $"the {field} of tensor '{shown}' have more than {max} values instead of [begin, end]", source);
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
                    $"tensors '{Clip(previous!.Name)}' [{previous.Begin}, {previous.End}] and '{Clip(entry.Name)}' [{entry.Begin}, {entry.End}] overlap", source);
            }
            if (entry.Begin > position)
            {
                throw new WeightFileException(
                    $"bytes {position} to {entry.Begin} of the data section belong to no tensor (the next tensor is '{Clip(entry.Name)}'); the tensors must cover the data contiguously", source);
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

    /// <summary>Characters of a name or value from the file that a message shows; longer ones are cut and end in "...".</summary>
    public const int QuotedLength = 64;

    /// <summary>
    /// <paramref name="text"/> (a name or value from the file) as a message shows it: at most <see cref="QuotedLength"/>
    /// characters and "...", so that an error costs a bounded amount whatever the file holds.
    /// </summary>
    public static string Clip(string text)
    {
        if (text.Length <= QuotedLength)
        {
            return text;
        }
        int length = char.IsHighSurrogate(text[QuotedLength - 1]) ? QuotedLength - 1 : QuotedLength;
        return string.Concat(text.AsSpan(0, length), "...");
    }

    /// <summary>UTF-8 <paramref name="utf8"/> from the file as a message shows it (see <see cref="Clip(string)"/>).</summary>
    public static string Clip(ReadOnlySpan<byte> utf8) => utf8.Length <= QuotedLength
        ? Encoding.UTF8.GetString(utf8)
        : Encoding.UTF8.GetString(utf8[..QuotedLength]) + "...";

    /// <summary>
    /// The reason for a <see cref="JsonException"/>: the byte of the header where the reader stopped, the bytes there,
    /// and the reader's own explanation when it is short (it quotes the offending token, which can be the whole header).
    /// </summary>
    private static string InvalidJson(ReadOnlySpan<byte> header, JsonException e)
    {
        if (e.LineNumber is not long line || e.BytePositionInLine is not long column)
        {
            return $"the header is not valid JSON: {Clip(e.Message)}";
        }
        long offset = 0;
        for (long l = 0; l < line && offset < header.Length; l++)
        {
            int newline = header[(int)offset..].IndexOf((byte)'\n');
            offset = newline < 0 ? header.Length : offset + newline + 1;
        }
        int at = (int)Math.Min(header.Length, offset + column);
        string message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        string explanation = cut >= 0 ? message[..cut] : message;
        return explanation.Length <= 2 * QuotedLength
            ? $"the header is not valid JSON at byte {at} of the header (byte {8 + at} of the file), at '{Clip(header[at..Math.Min(header.Length, at + 16)])}': {explanation}"
            : $"the header is not valid JSON at byte {at} of the header (byte {8 + at} of the file), at '{Clip(header[at..Math.Min(header.Length, at + 16)])}'";
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
