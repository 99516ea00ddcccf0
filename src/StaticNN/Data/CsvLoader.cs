using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace StaticNN.Data;

/// <summary>
/// Loads a delimited text file (one sample per line: feature columns and one label column) into a
/// <see cref="Dataset"/>, without reflection.
/// </summary>
/// <remarks>
/// <para>
/// The input is streamed one line at a time and parsed over spans. Every column other than the label column is a
/// feature, in file order. Numbers are parsed with <see cref="NumberStyles.Float"/> and
/// <see cref="CultureInfo.InvariantCulture"/> whatever the current culture, so <c>1.5</c> is one and a half and
/// <c>1,5</c> is not a number. Empty fields, <c>NaN</c>, infinities and values beyond the <see cref="float"/>
/// range are errors: missing values are not supported.
/// </para>
/// <para>
/// Fields may be quoted (<c>"a,b"</c>) with <c>""</c> for a literal quote, and a quoted field may span lines.
/// White space around a quoted field and around numbers is ignored, and class labels are trimmed. Blank lines
/// (empty or white space only) are skipped wherever they appear; they still count for line numbers. A UTF-8
/// byte order mark is ignored.
/// </para>
/// <para>
/// Any bad record (wrong number of columns, unparsable number, unknown class when
/// <see cref="CsvOptions.ClassNames"/> is given, unclosed quote) throws <see cref="CsvFormatException"/> with the
/// 1-based line number and column; nothing partially loaded is returned.
/// </para>
/// <para>
/// <b>Any input.</b> Whatever the text, a load returns a valid data set or throws <see cref="CsvFormatException"/>
/// naming the file (when loading from a path), the line, the column and the problem (names and values from the file
/// are quoted clipped to 40 characters); it never hangs and throws nothing else. Failures to read the file propagate as the
/// framework's <see cref="IOException"/> types, and contradictory options are an <see cref="ArgumentException"/>
/// before anything is read. The input is read once, in blocks, and each character is scanned a bounded number of
/// times, so time is linear in the input (a quoted field spanning many lines included). Nothing is reserved ahead of
/// the data: the record buffer grows to the longest record and the outputs grow in chunks as values arrive, so a load
/// allocates at most 16 bytes per character read plus 4 MB (the constant covers the buffers and up to
/// <see cref="CsvOptions.MaxClassCount"/> discovered classes; the most measured is 12.0 bytes per character, one row of
/// 8.4 million one-digit columns). Checked by <c>tests/StaticNN.Tests/Reliability</c>: <c>CsvHostileInputTests</c>
/// (the inputs that exhausted memory or took quadratic work before) and <c>CsvFuzzTests</c> (5,000 mutated inputs).
/// </para>
/// </remarks>
public static class CsvLoader
{
    /// <summary>Loads the CSV file at <paramref name="path"/> (UTF-8, or the encoding its byte order mark names).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Parsing options; null for the defaults (header, <c>','</c>, class label in the last column).</param>
    /// <returns>A new data set holding every data row of the file.</returns>
    /// <exception cref="CsvFormatException">A record is malformed, the file has no data rows, or it has more distinct classes than <see cref="CsvOptions.MaxClassCount"/>.</exception>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CsvOptions();
        Validate(options);
        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.SequentialScan,
            BufferSize = 1 << 16,
        };
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, fileOptions);
        return new Parser(reader, options, path).Run();
    }

    /// <summary>Loads CSV text from <paramref name="reader"/>, reading it to the end (the reader is not disposed).</summary>
    /// <param name="reader">The text to read.</param>
    /// <param name="options">Parsing options; null for the defaults (header, <c>','</c>, class label in the last column).</param>
    /// <returns>A new data set holding every data row of the text.</returns>
    /// <exception cref="CsvFormatException">A record is malformed, there are no data rows, or there are more distinct classes than <see cref="CsvOptions.MaxClassCount"/>.</exception>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
    public static Dataset Load(TextReader reader, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new CsvOptions();
        Validate(options);
        return new Parser(reader, options, null).Run();
    }

    private static void Validate(CsvOptions options)
    {
        if (options.Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The delimiter cannot be a quote or a line break (got U+{(int)options.Delimiter:X4}).", nameof(options));
        }
        if (options.LabelColumn is not null && options.LabelColumnIndex is not null)
        {
            throw new ArgumentException("Set either LabelColumn or LabelColumnIndex, not both.", nameof(options));
        }
        if (options.LabelColumn is not null && !options.HasHeader)
        {
            throw new ArgumentException($"LabelColumn '{options.LabelColumn}' needs a header row; set HasHeader or use LabelColumnIndex.", nameof(options));
        }
        if (options.LabelColumnIndex is int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index, "options.LabelColumnIndex");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxClassCount, "options.MaxClassCount");
        if (options.ClassNames is { } names)
        {
            if (options.LabelKind != LabelKind.Class)
            {
                throw new ArgumentException("ClassNames only apply to LabelKind.Class.", nameof(options));
            }
            if (names.Count == 0)
            {
                throw new ArgumentException("ClassNames is empty.", nameof(options));
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(names[i]))
                {
                    throw new ArgumentException($"ClassNames[{i}] is null or blank.", nameof(options));
                }
                if (!seen.Add(names[i]))
                {
                    throw new ArgumentException($"ClassNames contains '{names[i]}' more than once.", nameof(options));
                }
            }
        }
    }

    private struct FieldRange
    {
        public int Start;
        public int Length;
        public bool HasDoubledQuotes;
    }

    /// <summary>Where the record scanner is inside a record: it mirrors the field tokenizer, so it knows which line breaks are inside quotes.</summary>
    private enum ScanState
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        AfterQuote,
        TextAfterQuote,
    }

    /// <summary>
    /// One load: the reader, the record buffer, the growing outputs and the class map. The input is read in blocks
    /// into one buffer that holds the current record; each record is scanned once to find its end (a line break that
    /// is not inside a quoted field), then its fields are counted and parsed in place. Nothing is ever re-read, so the
    /// work is linear in the input, and the buffer grows only to hold the longest record.
    /// </summary>
    private sealed class Parser
    {
        private const int FieldLast = -1;
        private const int FieldMalformed = -2;
        private const int InitialBuffer = 1 << 14;
        private const int ShownColumnNames = 20;

        private readonly TextReader _reader;
        private readonly CsvOptions _options;
        private readonly string? _path;
        private readonly char _delimiter;
        private readonly bool _isClass;

        private char[] _buffer = new char[InitialBuffer];
        private int _filled;
        private int _position;
        private bool _endOfInput;
        private bool _skipLineFeed;
        private bool _atInputStart = true;
        private int _lineBreaks;
        private bool _charsSinceBreak;
        private int _recordStart;
        private int _recordLength;

        private int _columns = -1;
        private int _labelColumn;
        private string? _header;

        private readonly ChunkedBuffer<float> _features = new();
        private readonly ChunkedBuffer<int> _labels = new();
        private readonly ChunkedBuffer<float> _targets = new();
        private int _rows;

        private readonly Dictionary<string, int> _classMap = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _classLookup;
        private readonly List<string> _classNames = [];
        private readonly bool _fixedClasses;

        public Parser(TextReader reader, CsvOptions options, string? path)
        {
            _reader = reader;
            _options = options;
            _path = path;
            _delimiter = options.Delimiter;
            _isClass = options.LabelKind == LabelKind.Class;
            _classLookup = _classMap.GetAlternateLookup<ReadOnlySpan<char>>();
            if (options.ClassNames is { } names)
            {
                _fixedClasses = true;
                for (int i = 0; i < names.Count; i++)
                {
                    _classMap.Add(names[i], i);
                    _classNames.Add(names[i]);
                }
            }
        }

        private int Lines => _lineBreaks + (_charsSinceBreak ? 1 : 0);

        public Dataset Run()
        {
            while (NextRecord(out int recordLine))
            {
                Span<char> record = _buffer.AsSpan(_recordStart, _recordLength);
                int fields = CountFields(record, recordLine);
                if (_columns < 0)
                {
                    Initialize(record, fields, recordLine);
                    if (_options.HasHeader)
                    {
                        continue;
                    }
                }
                AddRow(record, fields, recordLine);
            }

            if (_rows == 0)
            {
                throw Error(Math.Max(Lines, 1), null, _columns < 0 ? "the input is empty." : "the input has a header but no data rows.");
            }

            int featureSize = _columns - 1;
            float[] features = _features.ToArray();
            if (!_isClass)
            {
                return new Dataset(features, featureSize, _targets.ToArray(), 1);
            }

            int[] labels = _labels.ToArray();
            string[] classNames = _classNames.ToArray();
            if (!_fixedClasses && _options.ClassOrder == ClassOrder.Sorted)
            {
                classNames = SortClasses(classNames, labels);
            }
            return new Dataset(features, featureSize, labels, classNames.Length, classNames);
        }

        /// <summary>
        /// Finds the next non-blank record: <c>_buffer[_recordStart..]</c>, <c>_recordLength</c> characters, without its
        /// final line break; line breaks inside quoted fields become <c>'\n'</c>. Valid until the next call.
        /// </summary>
        private bool NextRecord(out int recordLine)
        {
            while (true)
            {
                int start = _position;
                int write = start;
                int field = 0;
                ScanState state = ScanState.FieldStart;
                recordLine = _lineBreaks + 1;
                bool endOfInput = false;
                while (true)
                {
                    if (_position == _filled && !Fill(ref start, ref write, recordLine))
                    {
                        if (state == ScanState.Quoted)
                        {
                            throw Error(recordLine, field + 1, NameOf(field), "a quoted field is not closed before the end of the input.");
                        }
                        endOfInput = true;
                        break;
                    }
                    char c = _buffer[_position++];
                    if (_skipLineFeed)
                    {
                        _skipLineFeed = false;
                        if (c == '\n')
                        {
                            continue; // the second half of "\r\n"
                        }
                    }
                    _charsSinceBreak = true;
                    if (_atInputStart)
                    {
                        _atInputStart = false;
                        if (c == '\uFEFF')
                        {
                            continue;
                        }
                    }
                    if (c is '\r' or '\n')
                    {
                        _skipLineFeed = c == '\r';
                        if (_lineBreaks == int.MaxValue)
                        {
                            throw Error(recordLine, null, $"the input has more than {int.MaxValue} lines.");
                        }
                        _lineBreaks++;
                        _charsSinceBreak = false;
                        if (state != ScanState.Quoted)
                        {
                            break;
                        }
                        _buffer[write++] = '\n';
                        continue;
                    }
                    _buffer[write++] = c;
                    state = Step(state, c, ref field);
                }

                ReadOnlySpan<char> record = _buffer.AsSpan(start, write - start);
                if (record.IsWhiteSpace())
                {
                    if (endOfInput)
                    {
                        return false;
                    }
                    continue; // a blank line
                }
                _recordStart = start;
                _recordLength = write - start;
                return true;
            }
        }

        private ScanState Step(ScanState state, char c, ref int field)
        {
            if (c == _delimiter && state is not (ScanState.Quoted or ScanState.TextAfterQuote))
            {
                field++;
                return ScanState.FieldStart;
            }
            return state switch
            {
                ScanState.FieldStart => c is ' ' or '\t' ? ScanState.FieldStart : c == '"' ? ScanState.Quoted : ScanState.Unquoted,
                ScanState.Quoted => c == '"' ? ScanState.QuoteInQuoted : ScanState.Quoted,
                ScanState.QuoteInQuoted => c == '"' ? ScanState.Quoted : c is ' ' or '\t' ? ScanState.AfterQuote : ScanState.TextAfterQuote,
                ScanState.AfterQuote => c is ' ' or '\t' ? ScanState.AfterQuote : ScanState.TextAfterQuote,
                _ => state,
            };
        }

        /// <summary>
        /// Reads more input after <c>_filled</c>. When the buffer is full, the pending record (<paramref name="start"/>
        /// to <paramref name="write"/>) moves to the front, into a buffer twice as large when it fills more than three
        /// quarters: every move frees at least a quarter of the buffer, so moving costs at most three characters per
        /// character read. Returns false at the end of the input.
        /// </summary>
        private bool Fill(ref int start, ref int write, int recordLine)
        {
            if (_endOfInput)
            {
                return false;
            }
            if (_filled == _buffer.Length)
            {
                int pending = write - start;
                char[] target = _buffer;
                if (pending > _buffer.Length / 4 * 3)
                {
                    if (_buffer.Length == Array.MaxLength)
                    {
                        throw Error(recordLine, null, $"the record is longer than {Array.MaxLength} characters.");
                    }
                    target = new char[(int)Math.Min(Array.MaxLength, 2L * _buffer.Length)];
                }
                Array.Copy(_buffer, start, target, 0, pending);
                _buffer = target;
                start = 0;
                write = pending;
                _position = _filled = pending;
            }
            int read = _reader.Read(_buffer, _filled, _buffer.Length - _filled);
            if (read <= 0)
            {
                _endOfInput = true;
                return false;
            }
            _filled += read;
            return true;
        }

        /// <summary>
        /// Finds the field that starts at <paramref name="i"/>; returns where the next one starts, <see cref="FieldLast"/>
        /// after the last field, or <see cref="FieldMalformed"/> when text follows a closing quote.
        /// </summary>
        private int NextField(ReadOnlySpan<char> text, int i, out FieldRange field)
        {
            char delimiter = _delimiter;
            int start = i;
            while (start < text.Length && text[start] is ' ' or '\t' && text[start] != delimiter)
            {
                start++;
            }
            if (start < text.Length && text[start] == '"')
            {
                int j = start + 1;
                bool doubled = false;
                while (true)
                {
                    int quote = text[j..].IndexOf('"');
                    if (quote < 0)
                    {
                        // Only the header's copy can get here (the scanner closes every quote): the rest is the field.
                        field = new FieldRange { Start = start + 1, Length = text.Length - start - 1, HasDoubledQuotes = doubled };
                        return FieldLast;
                    }
                    j += quote;
                    if (j + 1 < text.Length && text[j + 1] == '"')
                    {
                        doubled = true;
                        j += 2;
                        continue;
                    }
                    break;
                }
                field = new FieldRange { Start = start + 1, Length = j - start - 1, HasDoubledQuotes = doubled };
                j++;
                while (j < text.Length && text[j] is ' ' or '\t' && text[j] != delimiter)
                {
                    j++;
                }
                if (j >= text.Length)
                {
                    return FieldLast;
                }
                return text[j] == delimiter ? j + 1 : FieldMalformed;
            }
            int end = text[i..].IndexOf(delimiter);
            if (end < 0)
            {
                field = new FieldRange { Start = i, Length = text.Length - i };
                return FieldLast;
            }
            field = new FieldRange { Start = i, Length = end };
            return i + end + 1;
        }

        /// <summary>The number of fields of a record; text after a closing quote is an error.</summary>
        private int CountFields(ReadOnlySpan<char> record, int recordLine)
        {
            int count = 0;
            int i = 0;
            while (true)
            {
                int next = NextField(record, i, out _);
                count++;
                if (next == FieldMalformed)
                {
                    throw Error(recordLine, count, NameOf(count - 1), "unexpected text after the closing quote of a quoted field (use \"\" for a quote inside it).");
                }
                if (next == FieldLast)
                {
                    return count;
                }
                i = next;
            }
        }

        /// <summary>The text of a field; a quoted field's doubled quotes are undone in place, in the record buffer (each field is read once).</summary>
        private static Span<char> Field(Span<char> text, FieldRange range)
        {
            Span<char> raw = text.Slice(range.Start, range.Length);
            if (!range.HasDoubledQuotes)
            {
                return raw;
            }
            int n = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                raw[n++] = c;
                if (c == '"')
                {
                    i++; // inside a quoted field every quote is doubled
                }
            }
            return raw[..n];
        }

        private void Initialize(Span<char> record, int columns, int recordLine)
        {
            if (columns < 2)
            {
                throw Error(recordLine, null, $"expected at least 2 columns (features and a label), found {columns}.");
            }
            if (_options.HasHeader)
            {
                // Kept as one string: names are looked up again only for LabelColumn and error messages.
                _header = record.ToString();
            }

            if (_options.LabelColumn is string name)
            {
                int found = -1;
                int i = 0;
                for (int c = 0; c < columns; c++)
                {
                    int next = NextField(_header, i, out FieldRange range);
                    if (HeaderName(range).SequenceEqual(name))
                    {
                        if (found >= 0)
                        {
                            throw Error(recordLine, c + 1, name, $"the label column '{name}' appears more than once in the header (columns {found + 1} and {c + 1}).");
                        }
                        found = c;
                    }
                    i = next;
                }
                if (found < 0)
                {
                    throw Error(recordLine, null, $"the header has no column named '{name}' (columns: {ColumnNames(columns)}).");
                }
                _labelColumn = found;
            }
            else if (_options.LabelColumnIndex is int index)
            {
                if (index >= columns)
                {
                    throw Error(recordLine, null, $"LabelColumnIndex {index} is outside the {columns} columns (indices 0 to {columns - 1}).");
                }
                _labelColumn = index;
            }
            else
            {
                _labelColumn = columns - 1;
            }
            _columns = columns;
        }

        private void AddRow(Span<char> record, int fields, int recordLine)
        {
            if (fields != _columns)
            {
                int column = Math.Min(fields, _columns);
                throw Error(recordLine, column + 1, NameOf(column), $"expected {_columns} columns, found {fields}.");
            }
            int featureSize = _columns - 1;
            if (_features.Count + featureSize > Array.MaxLength)
            {
                throw Error(recordLine, null, $"the data has more than {Array.MaxLength} feature values, more than one array can hold; split the file.");
            }

            int i = 0;
            for (int c = 0; c < _columns; c++)
            {
                i = NextField(record, i, out FieldRange range);
                Span<char> field = Field(record, range);
                if (c == _labelColumn)
                {
                    if (_isClass)
                    {
                        _labels.Add(ClassIndex(field, recordLine, c));
                    }
                    else
                    {
                        _targets.Add(ParseNumber(field, recordLine, c));
                    }
                }
                else
                {
                    _features.Add(ParseNumber(field, recordLine, c));
                }
            }
            _rows++;
        }

        private float ParseNumber(ReadOnlySpan<char> field, int recordLine, int column)
        {
            ReadOnlySpan<char> text = field.Trim();
            if (text.IsEmpty)
            {
                throw Error(recordLine, column + 1, NameOf(column), "the value is empty (missing values are not supported).");
            }
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            {
                throw Error(recordLine, column + 1, NameOf(column), $"'{Clip(text)}' is not a number (expected invariant-culture digits with '.' as the decimal point).");
            }
            if (!float.IsFinite(value))
            {
                throw Error(recordLine, column + 1, NameOf(column), $"'{Clip(text)}' is not a finite float (NaN, infinities and out-of-range values are rejected).");
            }
            return value;
        }

        private int ClassIndex(ReadOnlySpan<char> field, int recordLine, int column)
        {
            ReadOnlySpan<char> text = field.Trim();
            if (text.IsEmpty)
            {
                throw Error(recordLine, column + 1, NameOf(column), "the class label is empty.");
            }
            if (_classLookup.TryGetValue(text, out int index))
            {
                return index;
            }
            if (_fixedClasses)
            {
                throw Error(recordLine, column + 1, NameOf(column), $"unknown class '{Clip(text)}'; the given ClassNames are: {string.Join(", ", _classNames)}.");
            }
            if (_classNames.Count == _options.MaxClassCount)
            {
                throw Error(recordLine, column + 1, NameOf(column),
                    $"'{Clip(text)}' would be distinct class number {_options.MaxClassCount + 1}, more than CsvOptions.MaxClassCount ({_options.MaxClassCount}); if the column is a numeric target use LabelKind.Regression, if it is an identifier choose another label column, otherwise raise MaxClassCount.");
            }
            string name = text.ToString();
            index = _classNames.Count;
            _classNames.Add(name);
            _classMap.Add(name, index);
            return index;
        }

        /// <summary>The header name of a column, for messages: found again in the header's copy (errors are rare; names are not kept).</summary>
        private string? NameOf(int column)
        {
            if (_header is null || (uint)column >= (uint)_columns)
            {
                return null;
            }
            int i = 0;
            for (int c = 0; ; c++)
            {
                int next = NextField(_header, i, out FieldRange range);
                if (c == column)
                {
                    return HeaderName(range).ToString();
                }
                i = next;
            }
        }

        /// <summary>A header name, trimmed, with doubled quotes undone (in a copy: the header string stays as read).</summary>
        private ReadOnlySpan<char> HeaderName(FieldRange range)
        {
            ReadOnlySpan<char> raw = _header.AsSpan(range.Start, range.Length);
            return (range.HasDoubledQuotes ? raw.ToString().Replace("\"\"", "\"", StringComparison.Ordinal).AsSpan() : raw).Trim();
        }

        private string ColumnNames(int columns)
        {
            var names = new List<string>();
            int i = 0;
            for (int c = 0; c < Math.Min(columns, ShownColumnNames); c++)
            {
                i = NextField(_header, i, out FieldRange range);
                names.Add(Clip(HeaderName(range)));
            }
            string shown = string.Join(", ", names);
            return columns > ShownColumnNames ? $"{shown} and {columns - ShownColumnNames} more" : shown;
        }

        private CsvFormatException Error(int line, int? column, string reason) => new(line, column, null, reason, _path);

        private CsvFormatException Error(int line, int column, string? name, string reason) => new(line, column, name, reason, _path);

        private static string Clip(ReadOnlySpan<char> text) => text.Length <= CsvFormatException.QuotedLength ? text.ToString() : string.Concat(text[..CsvFormatException.QuotedLength], "...");

        /// <summary>Sorts the discovered names (numerically when all are integers, else ordinally) and renumbers <paramref name="labels"/>.</summary>
        private static string[] SortClasses(string[] names, int[] labels)
        {
            var numbers = new long[names.Length];
            bool allIntegers = true;
            for (int i = 0; i < names.Length && allIntegers; i++)
            {
                allIntegers = long.TryParse(names[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numbers[i]);
            }
            var order = new int[names.Length];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
            Array.Sort(order, (a, b) =>
            {
                int byNumber = allIntegers ? numbers[a].CompareTo(numbers[b]) : 0;
                return byNumber != 0 ? byNumber : string.CompareOrdinal(names[a], names[b]);
            });
            var remap = new int[names.Length];
            var sorted = new string[names.Length];
            for (int newIndex = 0; newIndex < order.Length; newIndex++)
            {
                remap[order[newIndex]] = newIndex;
                sorted[newIndex] = names[order[newIndex]];
            }
            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = remap[labels[i]];
            }
            return sorted;
        }
    }
}
