using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Diagnostics;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>
/// Every descriptor in <see cref="DiagnosticDescriptors"/> follows the catalog rules (STYLE 5): a unique SNN ID, a row in
/// AnalyzerReleases.Unshipped.md matching its category and severity, a docs page and a help link to it, a title with
/// no final period.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    public static IReadOnlyList<DiagnosticDescriptor> Descriptors { get; } = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToList();

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            data.Add(descriptor.Id);
        }
        return data;
    }

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors.Single(d => d.Id == id);

    [Fact]
    public void Descriptors_AreFoundAndPublicStaticReadonly()
    {
        Descriptors.Count.ShouldBeGreaterThanOrEqualTo(20);
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .ShouldAllBe(f => f.IsInitOnly);
    }

    [Fact]
    public void Ids_AreUniqueAndFollowSnnPattern()
    {
        Descriptors.Select(d => d.Id).ShouldBeUnique();
        Descriptors.ShouldAllBe(d => Regex.IsMatch(d.Id, @"^SNN\d{4}$"));
    }

    [Fact]
    public void IdRanges_MatchCategories()
    {
        foreach (DiagnosticDescriptor d in Descriptors)
        {
            int number = int.Parse(d.Id.AsSpan(3), provider: System.Globalization.CultureInfo.InvariantCulture);
            string expected = number switch
            {
                < 100 => DiagnosticCategories.Usage,
                < 200 => DiagnosticCategories.Shape,
                < 300 => DiagnosticCategories.Weights,
                >= 9000 => DiagnosticCategories.Internal,
                _ => "(no category for this range)",
            };
            d.Category.ShouldBe(expected, d.Id);
        }
    }

    [Fact]
    public void UnshippedReleases_ListExactlyTheDescriptorsWithTheirCategoryAndSeverity()
    {
        Dictionary<string, (string Category, string Severity)> rows = ReleaseRows("AnalyzerReleases.Unshipped.md");
        Dictionary<string, (string Category, string Severity)> shipped = ReleaseRows("AnalyzerReleases.Shipped.md");

        foreach (DiagnosticDescriptor d in Descriptors)
        {
            (rows.ContainsKey(d.Id) || shipped.ContainsKey(d.Id)).ShouldBeTrue($"{d.Id} has no row in AnalyzerReleases");
            (string category, string severity) = rows.TryGetValue(d.Id, out var row) ? row : shipped[d.Id];
            category.ShouldBe(d.Category, d.Id);
            severity.ShouldBe(d.DefaultSeverity.ToString(), d.Id);
        }
        rows.Keys.Concat(shipped.Keys).Except(Descriptors.Select(d => d.Id)).ShouldBeEmpty("rows without a descriptor");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasDocsPageAndHelpLinkToIt(string id)
    {
        DiagnosticDescriptor d = Descriptor(id);
        string page = Path.Combine(RepositoryPaths.DiagnosticDocs, id + ".md");

        File.Exists(page).ShouldBeTrue($"missing docs page {page}");
        File.ReadAllText(page).ShouldStartWith($"# {id}: {d.Title}");
        d.HelpLinkUri.ShouldEndWith($"/docs/diagnostics/{id}.md");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasTitleWithoutFinalPeriodAndADescription(string id)
    {
        DiagnosticDescriptor d = Descriptor(id);
        string title = d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture);

        title.ShouldNotBeNullOrWhiteSpace();
        title.ShouldNotEndWith(".");
        char.IsUpper(title[0]).ShouldBeTrue("titles are sentence case");
        d.Description.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldNotBeNullOrWhiteSpace();
        d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldNotBeNullOrWhiteSpace();
        d.IsEnabledByDefault.ShouldBeTrue();
    }

    [Fact]
    public void DocsFolder_HasNoPageWithoutDescriptor()
    {
        Directory.EnumerateFiles(RepositoryPaths.DiagnosticDocs, "SNN*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Except(Descriptors.Select(d => d.Id))
            .ShouldBeEmpty();
    }

    [Fact]
    public void EveryId_HasATestInDiagnosticsFolder()
    {
        string tests = string.Join("\n", Directory.EnumerateFiles(Path.Combine(RepositoryPaths.TestProject, "Diagnostics"), "*.cs")
            .Where(f => !f.EndsWith(nameof(DiagnosticCatalogTests) + ".cs", StringComparison.Ordinal))
            .Select(File.ReadAllText));

        Descriptors.Where(d => !tests.Contains($"\"{d.Id}\"", StringComparison.Ordinal)).Select(d => d.Id).ShouldBeEmpty();
    }

    private static Dictionary<string, (string Category, string Severity)> ReleaseRows(string file)
    {
        var rows = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(Path.Combine(RepositoryPaths.Generator, file)))
        {
            string[] cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length >= 3 && Regex.IsMatch(cells[0], @"^SNN\d{4}$"))
            {
                rows.Add(cells[0], (cells[1], cells[2]));
            }
        }
        return rows;
    }
}
