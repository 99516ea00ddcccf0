using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>Assertions for the diagnostics tests: marked spans, exact messages, and "nothing generated" for errors.</summary>
internal static class DiagnosticAssert
{
    /// <summary>
    /// Runs the generator on <paramref name="markup"/> and asserts that it reports exactly one diagnostic: the one marked
    /// <c>/*ID*/…/*end*/</c>, with this severity and message.
    /// </summary>
    public static (GeneratorRun Run, Diagnostic Diagnostic) ReportsSingle(
        string markup, string id, DiagnosticSeverity severity, string message, HarnessOptions? options = null)
    {
        (GeneratorRun run, IReadOnlyList<Diagnostic> diagnostics) = Reports(markup, options);
        Diagnostic diagnostic = diagnostics.ShouldHaveSingleItem();
        ShouldBe(diagnostic, id, severity, message);
        return (run, diagnostic);
    }

    /// <summary>
    /// Runs the generator on <paramref name="markup"/> and asserts that its diagnostics are exactly the marked ones (same IDs
    /// on the same spans, in source order); returns them in that order.
    /// </summary>
    public static (GeneratorRun Run, IReadOnlyList<Diagnostic> Diagnostics) Reports(string markup, HarnessOptions? options = null)
    {
        (string source, IReadOnlyList<ExpectedSpan> expected) = DiagnosticMarkup.Parse(markup);
        GeneratorRun run = GeneratorHarness.Run(source, options);
        List<Diagnostic> actual = run.GeneratorDiagnostics
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        string Show(IEnumerable<string> lines) => string.Join("\n", lines);
        Show(actual.Select(d => $"{d.Id} {d.Location.SourceSpan} '{Text(d)}'"))
            .ShouldBe(Show(expected.Select(e => $"{e.Id} {e.Span} '{source.Substring(e.Span.Start, e.Span.Length)}'")),
                "generator diagnostics (ID, span, text) differ from the /*ID*/.../*end*/ markup");
        foreach (Diagnostic d in actual)
        {
            d.Location.IsInSource.ShouldBeTrue();
            d.Location.SourceTree!.FilePath.ShouldBe(GeneratorHarness.SourcePath(0));
        }
        return (run, actual);
    }

    public static void ShouldBe(Diagnostic diagnostic, string id, DiagnosticSeverity severity, string message)
    {
        diagnostic.Id.ShouldBe(id);
        diagnostic.Severity.ShouldBe(severity);
        diagnostic.Descriptor.DefaultSeverity.ShouldBe(severity);
        diagnostic.GetMessage(CultureInfo.InvariantCulture).ShouldBe(message);
    }

    /// <summary>
    /// No network was generated (an error stops generation for the network): at most the placeholder members of an
    /// invalid declaration, which bring no warning or error of their own into the output compilation.
    /// </summary>
    public static GeneratorRun ShouldGenerateNothing(this GeneratorRun run)
    {
        run.Specs.ShouldBeEmpty();
        foreach ((string hintName, string source) in run.Sources)
        {
            source.ShouldContain("// StaticNN.Generator: placeholder", Case.Sensitive, $"an error diagnostic must stop generation, but {hintName} is a network");
        }
        string[] inGenerated = run.CompilerDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !GeneratorHarness.IsTestSource(d.Location.SourceTree))
            .Select(GeneratorRun.Describe).ToArray();
        inGenerated.ShouldBeEmpty("diagnostics in the placeholder members");
        return run;
    }

    /// <summary>Only the placeholder members were generated: the declaration has an error in its attributes.</summary>
    public static GeneratorRun ShouldGeneratePlaceholder(this GeneratorRun run)
    {
        run.ShouldGenerateNothing();
        run.Sources.ShouldNotBeEmpty("an error in the attributes still gives the class its members");
        return run;
    }

    /// <summary>Not even placeholder members: the class itself cannot take members (not partial, static, generic...).</summary>
    public static GeneratorRun ShouldGenerateNoSource(this GeneratorRun run)
    {
        run.ShouldGenerateNothing();
        run.HintNames.ShouldBeEmpty();
        return run;
    }

    /// <summary>
    /// The output compilation has exactly these C# errors (the user's own mistakes, e.g. CS0182), none of them in
    /// generated code.
    /// </summary>
    public static GeneratorRun ShouldHaveCompilerErrors(this GeneratorRun run, params string[] ids)
    {
        Diagnostic[] errors = run.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        string text = string.Join("\n", errors.Select(GeneratorRun.Describe).Order(StringComparer.Ordinal));
        errors.Select(d => d.Id).Order(StringComparer.Ordinal).ShouldBe(ids.Order(StringComparer.Ordinal), text);
        errors.Where(d => !GeneratorHarness.IsTestSource(d.Location.SourceTree)).ShouldBeEmpty("errors in generated code:\n" + text);
        return run;
    }

    private static string Text(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    public static string FileName(Diagnostic d) => Path.GetFileName(d.Location.SourceTree?.FilePath ?? "");
}
