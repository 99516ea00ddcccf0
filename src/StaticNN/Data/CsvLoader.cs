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
/// </remarks>
public static class CsvLoader
{
    /// <summary>Loads the CSV file at <paramref name="path"/> (UTF-8, or the encoding its byte order mark names).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Parsing options; null for the defaults (header, <c>','</c>, class label in the last column).</param>
    /// <returns>A new data set holding every data row of the file.</returns>
    /// <exception cref="CsvFormatException">A record is malformed, or the file has no data rows.</exception>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
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
    /// <exception cref="CsvFormatException">A record is malformed, or there are no data rows.</exception>
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

    /// <summary>One load: the reader, the growing output arrays and the class map.</summary>
    private sealed class Parser
    {
        private const int TokenizeOk = -1;
        private const int TokenizeUnclosedQuote = -2;

        private readonly TextReader _reader;
        private readonly CsvOptions _options;
        private readonly string? _path;
        private readonly char _delimiter;
        private readonly bool _isClass;

        private FieldRange[] _fields = new FieldRange[16];
        private int _fieldCount;
        private char[] _scratch = new char[64];
        private int _line;

        private int _columns = -1;
        private int _labelColumn;
        private string[]? _names;

        private float[] _features = [];
        private int _featureLength;
        private int[] _labels = [];
        private float[] _targets = [];
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

        public Dataset Run()
        {
            while (NextRecord(out string record, out int recordLine))
            {
                if (_columns < 0)
                {
                    Initialize(record, recordLine);
                    if (_options.HasHeader)
                    {
                        continue;
                    }
                }
                AddRow(record, recordLine);
            }

            if (_rows == 0)
            {
                throw Error(Math.Max(_line, 1), null, _columns < 0 ? "the input is empty." : "the input has a header but no data rows.");
            }

            int featureSize = _columns - 1;
            float[] features = _features.AsSpan(0, _featureLength).ToArray();
            if (!_isClass)
            {
                return new Dataset(features, featureSize, _targets.AsSpan(0, _rows).ToArray(), 1);
            }

            int[] labels = _labels.AsSpan(0, _rows).ToArray();
            string[] classNames = _classNames.ToArray();
            if (!_fixedClasses && _options.ClassOrder == ClassOrder.Sorted)
            {
                classNames = SortClasses(classNames, labels);
            }
            return new Dataset(features, featureSize, labels, classNames.Length, classNames);
        }

        /// <summary>Reads the next non-blank record (joining lines while a quoted field is open) and tokenizes it.</summary>
        private bool NextRecord(out string record, out int recordLine)
        {
            string? line;
            do
            {
                line = _reader.ReadLine();
                if (line is null)
                {
                    record = "";
                    recordLine = 0;
                    return false;
                }
                _line++;
                if (_line == 1 && line.Length > 0 && line[0] == '\uFEFF')
                {
                    line = line[1..];
                }
            }
            while (line.AsSpan().IsWhiteSpace());

            recordLine = _line;
            int status = Tokenize(line);
            StringBuilder? joined = null;
            while (status == TokenizeUnclosedQuote)
            {
                string? next = _reader.ReadLine();
                if (next is null)
                {
                    throw Error(recordLine, _fieldCount + 1, NameOf(_fieldCount), "a quoted field is not closed before the end of the input.");
                }
                _line++;
                joined ??= new StringBuilder(line);
                joined.Append('\n').Append(next);
                line = joined.ToString();
                status = Tokenize(line);
            }
            if (status >= 0)
            {
                throw Error(recordLine, status + 1, NameOf(status), $"unexpected text after the closing quote of a quoted field (use \"\" for a quote inside it).");
            }
            record = line;
            return true;
        }

        /// <summary>Splits <paramref name="text"/> into <see cref="_fields"/>; returns OK, unclosed quote, or the index of a malformed field.</summary>
        private int Tokenize(ReadOnlySpan<char> text)
        {
            _fieldCount = 0;
            char delimiter = _delimiter;
            int i = 0;
            while (true)
            {
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
                            return TokenizeUnclosedQuote;
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
                    AddField(start + 1, j - start - 1, doubled);
                    j++;
                    while (j < text.Length && text[j] is ' ' or '\t' && text[j] != delimiter)
                    {
                        j++;
                    }
                    if (j >= text.Length)
                    {
                        return TokenizeOk;
                    }
                    if (text[j] != delimiter)
                    {
                        return _fieldCount - 1;
                    }
                    i = j + 1;
                }
                else
                {
                    int end = text[i..].IndexOf(delimiter);
                    if (end < 0)
                    {
                        AddField(i, text.Length - i, false);
                        return TokenizeOk;
                    }
                    AddField(i, end, false);
                    i += end + 1;
                }
            }
        }

        private void AddField(int start, int length, bool doubled)
        {
            if (_fieldCount == _fields.Length)
            {
                Array.Resize(ref _fields, _fields.Length * 2);
            }
            _fields[_fieldCount++] = new FieldRange { Start = start, Length = length, HasDoubledQuotes = doubled };
        }

        /// <summary>The text of field <paramref name="index"/>; valid until the next call (it may live in the scratch buffer).</summary>
        private ReadOnlySpan<char> Field(ReadOnlySpan<char> text, int index)
        {
            FieldRange range = _fields[index];
            ReadOnlySpan<char> raw = text.Slice(range.Start, range.Length);
            if (!range.HasDoubledQuotes)
            {
                return raw;
            }
            if (_scratch.Length < raw.Length)
            {
                _scratch = new char[Math.Max(raw.Length, _scratch.Length * 2)];
            }
            int n = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                _scratch[n++] = c;
                if (c == '"')
                {
                    i++; // inside a quoted field every quote is doubled
                }
            }
            return _scratch.AsSpan(0, n);
        }

        private void Initialize(string record, int recordLine)
        {
            int columns = _fieldCount;
            if (columns < 2)
            {
                throw Error(recordLine, null, $"expected at least 2 columns (features and a label), found {columns}.");
            }
            if (_options.HasHeader)
            {
                _names = new string[columns];
                for (int c = 0; c < columns; c++)
                {
                    _names[c] = Field(record, c).Trim().ToString();
                }
            }

            if (_options.LabelColumn is string name)
            {
                int found = -1;
                for (int c = 0; c < columns; c++)
                {
                    if (string.Equals(_names![c], name, StringComparison.Ordinal))
                    {
                        if (found >= 0)
                        {
                            throw Error(recordLine, c + 1, name, $"the label column '{name}' appears more than once in the header (columns {found + 1} and {c + 1}).");
                        }
                        found = c;
                    }
                }
                if (found < 0)
                {
                    throw Error(recordLine, null, $"the header has no column named '{name}' (columns: {string.Join(", ", _names!)}).");
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

        private void AddRow(string record, int recordLine)
        {
            if (_fieldCount != _columns)
            {
                int column = Math.Min(_fieldCount, _columns);
                throw Error(recordLine, column + 1, NameOf(column), $"expected {_columns} columns, found {_fieldCount}.");
            }

            int featureSize = _columns - 1;
            if (_rows == _labels.Length && _isClass || _rows == _targets.Length && !_isClass)
            {
                int capacity = Math.Max(256, _rows * 2);
                if (_isClass)
                {
                    Array.Resize(ref _labels, capacity);
                }
                else
                {
                    Array.Resize(ref _targets, capacity);
                }
                Array.Resize(ref _features, capacity * featureSize);
            }

            int offset = _featureLength;
            for (int c = 0; c < _columns; c++)
            {
                ReadOnlySpan<char> field = Field(record, c);
                if (c == _labelColumn)
                {
                    if (_isClass)
                    {
                        _labels[_rows] = ClassIndex(field, recordLine, c);
                    }
                    else
                    {
                        _targets[_rows] = ParseNumber(field, recordLine, c);
                    }
                }
                else
                {
                    _features[offset++] = ParseNumber(field, recordLine, c);
                }
            }
            _featureLength = offset;
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
            string name = text.ToString();
            index = _classNames.Count;
            _classNames.Add(name);
            _classMap.Add(name, index);
            return index;
        }

        private string? NameOf(int column) => _names is not null && (uint)column < (uint)_names.Length ? _names[column] : null;

        private CsvFormatException Error(int line, int? column, string reason) => new(line, column, null, reason, _path);

        private CsvFormatException Error(int line, int column, string? name, string reason) => new(line, column, name, reason, _path);

        private static string Clip(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "...");

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
