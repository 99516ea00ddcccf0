using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using StaticNN.Generator.Model;

namespace StaticNN.Generator.Weights;

/// <summary>
/// Reads a safetensors file (an 8-byte little-endian header length, a JSON header, then the raw little-endian data) with
/// the same rules as the runtime's loader: every tensor has a known dtype, a shape and data offsets that match its
/// element count, and the tensors cover the data section exactly, without overlap.
/// </summary>
/// <remarks>The generator targets netstandard2.0 and cannot carry System.Text.Json, so the header has its own small JSON reader.</remarks>
internal static class SafeTensorsReader
{
    /// <summary>Largest header the reader accepts (the safetensors format's own limit).</summary>
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>Reads <paramref name="bytes"/>; throws <see cref="FormatException"/> with a message that says what is wrong.</summary>
    public static WeightFile Read(byte[] bytes)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException($"it has {bytes.Length} bytes, but a safetensors file starts with an 8-byte header length");
        }
        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | bytes[i];
        }
        if (headerLength > MaxHeaderLength || (long)headerLength > bytes.Length - 8)
        {
            throw new FormatException($"its header length is {headerLength} bytes, but the file has {bytes.Length - 8} bytes after the length");
        }
        string header;
        try
        {
            header = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 8, (int)headerLength);
        }
        catch (ArgumentException)
        {
            throw new FormatException("its header is not valid UTF-8");
        }

        var json = new JsonReader(header);
        object? root = json.ReadDocument();
        if (root is not List<KeyValuePair<string, object?>> members)
        {
            throw new FormatException("its header is not a JSON object");
        }

        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;
        var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
        foreach (KeyValuePair<string, object?> member in members)
        {
            if (member.Key == "__metadata__")
            {
                continue;
            }
            entries.Add(ReadEntry(member.Key, member.Value, dataLength));
        }

        // The tensors must tile the data section: sorted by offset, each starts where the previous one ended.
        var ordered = new List<(string Name, string DType, long[] Shape, long Begin, long End)>(entries);
        ordered.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var entry in ordered)
        {
            if (entry.Begin != expected)
            {
                throw new FormatException(entry.Begin < expected
                    ? $"tensor {entry.Name} overlaps the previous tensor (it starts at byte {entry.Begin}, before {expected})"
                    : $"bytes {expected} to {entry.Begin} of the data belong to no tensor");
            }
            expected = entry.End;
        }
        if (expected != dataLength)
        {
            throw new FormatException($"the tensors cover {expected} bytes of data, but the file has {dataLength}");
        }

        var tensors = new WeightTensor[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            var (name, dtype, shape, begin, end) = entries[i];
            float[] values = dtype == "F32" ? LittleEndian.ToFloats(bytes, dataStart + (int)begin, (int)((end - begin) / 4)) : Array.Empty<float>();
            tensors[i] = new WeightTensor(name, dtype, new EquatableArray<long>(shape), new EquatableArray<float>(values));
        }
        return new WeightFile(new EquatableArray<WeightTensor>(tensors));
    }

    /// <summary>Bytes per element of each safetensors dtype.</summary>
    public static int DTypeSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static (string, string, long[], long, long) ReadEntry(string name, object? value, long dataLength)
    {
        if (value is not List<KeyValuePair<string, object?>> fields)
        {
            throw new FormatException($"tensor {name} is not a JSON object in the header");
        }
        string? dtype = null;
        long[]? shape = null, offsets = null;
        foreach (KeyValuePair<string, object?> field in fields)
        {
            switch (field.Key)
            {
                case "dtype":
                    dtype = field.Value as string ?? throw new FormatException($"the dtype of tensor {name} is not a string");
                    break;
                case "shape":
                    shape = Integers(field.Value, name, "shape");
                    break;
                case "data_offsets":
                    offsets = Integers(field.Value, name, "data_offsets");
                    break;
                default:
                    throw new FormatException($"tensor {name} has an unknown field \"{field.Key}\"");
            }
        }
        if (dtype is null || shape is null || offsets is null)
        {
            throw new FormatException($"tensor {name} lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        }
        int size = DTypeSize(dtype);
        if (size == 0)
        {
            throw new FormatException($"tensor {name} has the unknown dtype \"{dtype}\"");
        }
        if (offsets.Length != 2 || offsets[0] > offsets[1] || offsets[1] > dataLength)
        {
            throw new FormatException($"tensor {name} has data_offsets {FormatShape(offsets)}, outside the {dataLength} bytes of data");
        }
        long elements = 1;
        foreach (long dimension in shape)
        {
            elements = dimension == 0 ? 0 : elements > long.MaxValue / dimension ? long.MaxValue : elements * dimension;
        }
        if (elements > (offsets[1] - offsets[0]) / size || elements * size != offsets[1] - offsets[0])
        {
            throw new FormatException($"tensor {name} has shape {FormatShape(shape)} ({elements} x {size} bytes) but data_offsets {FormatShape(offsets)} ({offsets[1] - offsets[0]} bytes)");
        }
        return (name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] Integers(object? value, string name, string field)
    {
        if (value is not List<object?> items)
        {
            throw new FormatException($"the {field} of tensor {name} is not a JSON array");
        }
        var result = new long[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not long n || n < 0)
            {
                throw new FormatException($"the {field} of tensor {name} holds something other than a non-negative integer");
            }
            result[i] = n;
        }
        return result;
    }

    /// <summary>
    /// A strict JSON reader for the header: objects become ordered key/value lists (a repeated key is an error), arrays
    /// lists, integers <see cref="long"/>, other numbers <see cref="double"/>.
    /// </summary>
    private sealed class JsonReader(string text)
    {
        private const int MaxDepth = 64;
        private int _position;

        public object? ReadDocument()
        {
            object? value = ReadValue(0);
            SkipWhitespace();
            if (_position != text.Length)
            {
                throw Error("unexpected text after the JSON value");
            }
            return value;
        }

        private object? ReadValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("the JSON is nested too deeply");
            }
            SkipWhitespace();
            if (_position >= text.Length)
            {
                throw Error("the JSON ends early");
            }
            char c = text[_position];
            switch (c)
            {
                case '{':
                    return ReadObject(depth);
                case '[':
                    return ReadArray(depth);
                case '"':
                    return ReadString();
                case 't':
                    Expect("true");
                    return true;
                case 'f':
                    Expect("false");
                    return false;
                case 'n':
                    Expect("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }
                    throw Error($"unexpected character '{c}'");
            }
        }

        private List<KeyValuePair<string, object?>> ReadObject(int depth)
        {
            _position++;
            var members = new List<KeyValuePair<string, object?>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return members;
            }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw Error("expected a quoted key");
                }
                string key = ReadString();
                if (!keys.Add(key))
                {
                    throw Error($"the key \"{key}\" appears twice");
                }
                SkipWhitespace();
                if (Peek() != ':')
                {
                    throw Error("expected ':'");
                }
                _position++;
                members.Add(new KeyValuePair<string, object?>(key, ReadValue(depth + 1)));
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == '}')
                {
                    return members;
                }
                if (next != ',')
                {
                    throw Error("expected ',' or '}'");
                }
            }
        }

        private List<object?> ReadArray(int depth)
        {
            _position++;
            var items = new List<object?>();
            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                return items;
            }
            while (true)
            {
                items.Add(ReadValue(depth + 1));
                SkipWhitespace();
                char next = Peek();
                _position++;
                if (next == ']')
                {
                    return items;
                }
                if (next != ',')
                {
                    throw Error("expected ',' or ']'");
                }
            }
        }

        private string ReadString()
        {
            _position++;
            var builder = new StringBuilder();
            while (true)
            {
                if (_position >= text.Length)
                {
                    throw Error("a string is not closed");
                }
                char c = text[_position++];
                if (c == '"')
                {
                    return builder.ToString();
                }
                if (c < ' ')
                {
                    throw Error("a control character in a string");
                }
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }
                char escape = Peek();
                _position++;
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > text.Length
                            || !int.TryParse(text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            throw Error("a bad \\u escape");
                        }
                        builder.Append((char)code);
                        _position += 4;
                        break;
                    default:
                        throw Error($"the unknown escape \\{escape}");
                }
            }
        }

        private object ReadNumber()
        {
            int start = _position;
            while (_position < text.Length && "+-0123456789.eE".IndexOf(text[_position]) >= 0)
            {
                _position++;
            }
            string token = text.Substring(start, _position - start);
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            {
                return integer;
            }
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                return number;
            }
            throw Error($"the bad number \"{token}\"");
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(text, _position, word, 0, word.Length) != 0)
            {
                throw Error($"unexpected text (expected {word})");
            }
            _position += word.Length;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipWhitespace()
        {
            while (_position < text.Length && text[_position] is ' ' or '\t' or '\n' or '\r')
            {
                _position++;
            }
        }

        private FormatException Error(string what) => new($"its header is not valid JSON: {what} at character {_position}");
    }
}
