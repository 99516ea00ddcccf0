using System;

namespace StaticNN.Data;

/// <summary>A CSV file that <see cref="CsvLoader"/> cannot turn into a <see cref="Dataset"/>; the message names the line, the column and the reason.</summary>
public sealed class CsvFormatException : FormatException
{
    /// <summary>Creates the exception for a problem at <paramref name="lineNumber"/> (1-based).</summary>
    /// <param name="lineNumber">1-based physical line number where the offending record starts.</param>
    /// <param name="columnNumber">1-based column number, or null when the problem is not tied to one column.</param>
    /// <param name="columnName">The column's header name, when known.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="filePath">The file, when loading from a path.</param>
    public CsvFormatException(int lineNumber, int? columnNumber, string? columnName, string reason, string? filePath = null)
        : base(Format(lineNumber, columnNumber, columnName, reason, filePath))
    {
        LineNumber = lineNumber;
        ColumnNumber = columnNumber;
        ColumnName = columnName;
        Reason = reason;
        FilePath = filePath;
    }

    /// <summary>1-based physical line number where the offending record starts (blank lines and the header are counted).</summary>
    public int LineNumber { get; }

    /// <summary>1-based column number, or null when the problem is not tied to one column.</summary>
    public int? ColumnNumber { get; }

    /// <summary>The column's header name, when the file has a header (the message quotes at most its first 40 characters).</summary>
    public string? ColumnName { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>The file being read, or null when reading from a <see cref="System.IO.TextReader"/>.</summary>
    public string? FilePath { get; }

    /// <summary>At most <see cref="QuotedLength"/> characters of a header name in the message (<see cref="ColumnName"/> keeps all of it).</summary>
    internal static string Clip(string text) => text.Length <= QuotedLength ? text : string.Concat(text.AsSpan(0, QuotedLength), "...");

    /// <summary>The most characters of a name or value from the file that a message quotes.</summary>
    internal const int QuotedLength = 40;

    private static string Format(int lineNumber, int? columnNumber, string? columnName, string reason, string? filePath)
    {
        string where = $"Line {lineNumber}";
        if (columnNumber is int column)
        {
            where += columnName is null ? $", column {column}" : $", column {column} ('{Clip(columnName)}')";
        }
        if (filePath is not null)
        {
            where += $" of '{filePath}'";
        }
        return $"{where}: {reason}";
    }
}
