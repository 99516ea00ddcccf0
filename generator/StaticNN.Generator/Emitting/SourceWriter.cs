using System;
using System.Text;

namespace StaticNN.Generator.Emitting;

/// <summary>Writes C# text with 4-space indentation and '\n' line endings.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4).Append(text);
        }
        _builder.Append('\n');
    }

    public void OpenBrace(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }
        Line("{");
        _indent++;
    }

    public void CloseBrace(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>Writes a multi-line block, re-indenting each line.</summary>
    public void Lines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            Line(line);
        }
    }

    public IDisposable Indent()
    {
        _indent++;
        return new Dedent(this);
    }

    public override string ToString() => _builder.ToString();

    private sealed class Dedent(SourceWriter writer) : IDisposable
    {
        public void Dispose() => writer._indent--;
    }
}
