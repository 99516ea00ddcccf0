using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using StaticNN.Data;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability.Fuzzing;

/// <summary>
/// Mutated CSV: every load returns a consistent data set or throws <see cref="CsvFormatException"/> naming a line
/// (and the file, when loading from a path) and a short reason, allocates at most 16 bytes per character plus 4 MB,
/// and finishes within <see cref="Mutations.TimeBudget"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CsvFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly char[][] Tokens =
        [.. new[] { ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "\t", "NaN", "1e39", "-", ".", "\uFEFF", "\"a,b\"", "x", "0", "7.5", "abc", "\"\n\"", "\u00A0", "\uD800" }
            .Select(t => t.ToCharArray())];

    /// <summary>The longest reason a message may have: values and names are quoted clipped, whatever their length in the file.</summary>
    private const int ShortReason = 400;

    private readonly TempFolder _folder = new();

    private readonly FuzzStats _stats = new();

    public void Dispose() => _folder.Dispose();

    internal sealed record Case(string Text, CsvOptions Options, bool FromFile, string Description);

    private static readonly Gen<CsvOptions> Options = Gen.Select(Gen.Bool, Gen.Int[0, 2], Gen.Int[0, 3], (header, delimiter, label) => new CsvOptions
    {
        HasHeader = header,
        Delimiter = ",;\t"[delimiter],
        LabelKind = label == 3 ? LabelKind.Regression : LabelKind.Class,
        ClassOrder = label == 1 ? ClassOrder.FirstAppearance : ClassOrder.Sorted,
        LabelColumnIndex = label == 2 ? 0 : null,
        MaxClassCount = 1000,
    });

    /// <summary>A valid file for the options: a few rows of numbers and labels, some fields quoted, LF or CRLF.</summary>
    private static readonly Gen<(int Rows, int Columns, bool Crlf, bool Quote, int Seed)> Shape =
        Gen.Select(Gen.Int[1, 12], Gen.Int[2, 6], Gen.Bool, Gen.Bool, Gen.Int[0, 1000]);

    /// <summary>The valid input before the edits: its options, its shape and whether it is read from a file.</summary>
    private static readonly Gen<(CsvOptions Options, (int Rows, int Columns, bool Crlf, bool Quote, int Seed) Shape, int File)> Bases = Gen.Select(Options, Shape, Gen.Int[0, 9]);

    private static Case Build((CsvOptions Options, (int Rows, int Columns, bool Crlf, bool Quote, int Seed) Shape, int File) basis, Mutation[] mutations)
    {
        (CsvOptions options, (int Rows, int Columns, bool Crlf, bool Quote, int Seed) shape, int file) = basis;
        string valid = Valid(options, shape.Rows, shape.Columns, shape.Crlf, shape.Quote, shape.Seed);
        var text = new string(Mutations.Apply(valid, mutations, Tokens, Special).ToArray());
        return new Case(text, options, file == 0, $"{shape} {Mutations.Describe(mutations)}");
    }

    private static string Valid(CsvOptions options, int rows, int columns, bool crlf, bool quote, int seed)
    {
        var random = new Random(seed);
        string newline = crlf ? "\r\n" : "\n";
        var text = new StringBuilder();
        int label = options.LabelColumnIndex ?? columns - 1;
        if (options.HasHeader)
        {
            text.AppendJoin(options.Delimiter, Enumerable.Range(0, columns).Select(c => quote && c == 0 ? $"\"col {c}\"" : $"c{c}")).Append(newline);
        }
        for (int r = 0; r < rows; r++)
        {
            text.AppendJoin(options.Delimiter, Enumerable.Range(0, columns).Select(c =>
                c == label && options.LabelKind == LabelKind.Class ? (quote ? $"\"k{random.Next(3)}\"" : $"k{random.Next(3)}")
                : (random.NextDouble() * 10 - 5).ToString("R", CultureInfo.InvariantCulture))).Append(newline);
        }
        return text.ToString();
    }

    /// <summary>number: a numeric field becomes an edge value; flip: one character changes by one code point.</summary>
    private static void Special(List<char> text, Mutation m)
    {
        int at = (int)((long)m.Position * text.Count / 1_000_001);
        if (m.Kind == 5)
        {
            string[] numbers = ["0", "-0", "1e38", "3.5e38", "1e-46", "NaN", "-Infinity", "+1", "1_0", "0x10", "", "  ", "１"];
            string number = numbers[m.Value % numbers.Length];
            text.InsertRange(at, number);
        }
        else if (text.Count > 0)
        {
            text[Math.Min(at, text.Count - 1)] = (char)(text[Math.Min(at, text.Count - 1)] ^ (1 << (m.Value % 16)));
        }
    }

    private string Check(Case c)
    {
        string? path = null;
        if (c.FromFile)
        {
            path = _folder.File("fuzz.csv");
            File.WriteAllText(path, c.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        LoadOutcome<Dataset> outcome = LoaderContract.Run(() => path is null ? CsvLoader.Load(new StringReader(c.Text), c.Options) : CsvLoader.Load(path, c.Options));
        string kind = Mutations.Loaded;
        if (outcome.Error is not null)
        {
            CsvFormatException error = outcome.ShouldFailWith<CsvFormatException, Dataset>();
            kind = Mutations.Kind(error.Reason);
            error.LineNumber.ShouldBeInRange(1, c.Text.Count(ch => ch is '\n' or '\r') + 1);
            error.Message.ShouldStartWith($"Line {error.LineNumber}");
            error.Message.ShouldEndWith(error.Reason);
            error.Reason.Length.ShouldBeInRange(1, ShortReason, $"the reason is not short: {error.Reason[..Math.Min(error.Reason.Length, 200)]}...");
            (error.ColumnName?.Length ?? 0).ShouldBeLessThanOrEqualTo(ShortReason, "the column name in the message is not clipped");
            if (path is not null)
            {
                error.Message.ShouldContain($"'{path}'");
            }
        }
        else
        {
            Dataset data = outcome.Result!;
            data.Count.ShouldBeGreaterThan(0);
            data.Features.Length.ShouldBe(data.Count * data.FeatureSize);
            foreach (float value in data.Features)
            {
                float.IsFinite(value).ShouldBeTrue();
            }
            if (data.HasLabels)
            {
                data.ClassNames!.Count.ShouldBe(data.ClassCount);
            }
            else
            {
                data.Targets.Length.ShouldBe(data.Count);
            }
        }
        // UTF-8 from a file decodes to at most one character per byte, so characters bound both cases.
        _stats.ShouldAllocateAtMost(outcome, CsvHostileInputTests.BytesPerCharacter, c.Text.Length, CsvHostileInputTests.Slack);
        return kind;
    }

    [Fact]
    public void MutatedCsv_MeetsTheLoaderContract()
    {
        Dictionary<string, int> outcomes = Mutations.Run(Bases, Build, Check, c => c.Text.Length, _stats, output,
            c => $"{c.Description} options {c.Options} text {(c.Text.Length > 300 ? c.Text[..300] + "..." : c.Text)}");

        Mutations.ShouldBeVaried(outcomes, distinctOutcomes: 8);
    }
}
