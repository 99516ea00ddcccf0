using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>A span that a diagnostic is expected on, marked in test source as <c>/*SNN0101*/…/*end*/</c>.</summary>
internal readonly record struct ExpectedSpan(string Id, TextSpan Span);

/// <summary>
/// Test sources mark where a diagnostic is expected with <c>/*ID*/</c> before and <c>/*end*/</c> after the span. The
/// markers are removed, so the compiled source is the source without them, and the spans refer to that text.
/// </summary>
internal static partial class DiagnosticMarkup
{
    [GeneratedRegex(@"/\*(?<id>[A-Z]+\d{4})\*/|/\*end\*/")]
    private static partial Regex Marker();

    public static (string Source, IReadOnlyList<ExpectedSpan> Spans) Parse(string markup)
    {
        var source = new StringBuilder();
        var spans = new List<ExpectedSpan>();
        var open = new Stack<(string Id, int Start)>();
        int last = 0;
        foreach (Match match in Marker().Matches(markup))
        {
            source.Append(markup, last, match.Index - last);
            last = match.Index + match.Length;
            if (match.Groups["id"].Success)
            {
                open.Push((match.Groups["id"].Value, source.Length));
            }
            else
            {
                open.Count.ShouldBeGreaterThan(0, "/*end*/ without an opening /*ID*/ marker");
                (string id, int start) = open.Pop();
                spans.Add(new ExpectedSpan(id, TextSpan.FromBounds(start, source.Length)));
            }
        }
        source.Append(markup, last, markup.Length - last);
        open.ShouldBeEmpty("an /*ID*/ marker has no /*end*/");
        spans.Sort((x, y) => x.Span.Start.CompareTo(y.Span.Start));
        return (source.ToString(), spans);
    }
}
