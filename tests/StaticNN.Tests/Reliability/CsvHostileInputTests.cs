using System;
using System.Globalization;
using System.IO;
using System.Text;
using StaticNN.Data;
using StaticNN.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability;

/// <summary>The CSV inputs of issue 18 that exhausted memory or took quadratic work, each a regression test of the loader contract.</summary>
public sealed class CsvHostileInputTests(ITestOutputHelper output)
{
    /// <summary>The CSV bound of the README: 16 bytes per character read (the record buffer and the outputs) plus 4 MB.</summary>
    internal const double BytesPerCharacter = 16;

    /// <summary>The constant part: buffers, and up to MaxClassCount (10,000) discovered classes at about 210 bytes each.</summary>
    internal const long Slack = 4 << 20;

    private LoadOutcome<Dataset> Load(string text, CsvOptions? options = null)
    {
        LoadOutcome<Dataset> outcome = LoaderContract.Run(() => CsvLoader.Load(new StringReader(text), options));
        output.WriteLine($"{text.Length:N0} characters: allocated {outcome.Allocated:N0} bytes ({(double)outcome.Allocated / text.Length:F2} per character); {outcome.Error?.Message ?? "loaded"}");
        return outcome;
    }

    private static string Row(int columns, string label)
    {
        var text = new StringBuilder(columns * 10);
        for (int c = 0; c < columns - 1; c++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{c % 1000 * 0.001:F4},");
        }
        return text.Append(label).Append('\n').ToString();
    }

    [Fact]
    public void OneRowOfAMillionColumns_AllocatesAFewBytesPerCharacterNotAKilobytePerColumn()
    {
        // 9.9 MB: allocated 1.12 GB (256 reserved rows of 1M floats) before the fix.
        string text = Row(1_000_000, "a");

        LoadOutcome<Dataset> outcome = Load(text, new CsvOptions { HasHeader = false });

        outcome.Error.ShouldBeNull();
        outcome.Result!.FeatureSize.ShouldBe(999_999);
        outcome.Result.Count.ShouldBe(1);
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }

    [Theory]
    [InlineData(2_500_000)] // before the fix: 256 reserved rows of 2.5 million floats, 2.68 GB here (OutOfMemoryException in the issue's run)
    [InlineData(8_400_000)] // before the fix: ArgumentOutOfRangeException from Array.Resize, 256 x 8.4 million overflows int
    public void OneRowOfMillionsOfColumns_LoadsWithinTheBound(int columns)
    {
        // "1,1,...,1,a\n": two characters per column, so 8.4 million columns are 16.8 MB of text.
        string text = string.Create(2 * columns, 0, static (chars, _) =>
        {
            for (int i = 0; i < chars.Length; i += 2)
            {
                chars[i] = '1';
                chars[i + 1] = ',';
            }
            chars[^2] = 'a';
            chars[^1] = '\n';
        });

        LoadOutcome<Dataset> outcome = Load(text, new CsvOptions { HasHeader = false });

        outcome.Error.ShouldBeNull();
        outcome.Result!.FeatureSize.ShouldBe(columns - 1);
        outcome.Result.Count.ShouldBe(1);
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }

    [Fact]
    public void HeaderOfAMillionEmptyNames_IsNotKeptPerColumn()
    {
        string text = new string(',', 999_999) + "\n" + Row(1_000_000, "a");

        LoadOutcome<Dataset> outcome = Load(text);

        outcome.Error.ShouldBeNull();
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }

    [Fact]
    public void UnclosedQuoteAtTheTopOf760KBFile_ThrowsAfterLinearWork()
    {
        // 760 KB of short lines after an open quote: every line re-joined and re-tokenized the record before the fix
        // (22.8 GB allocated, quadratic in the lines); now each character is scanned once.
        var text = new StringBuilder("x,y\n1,\"open\n");
        while (text.Length < 760_000)
        {
            text.Append("1,a\n");
        }

        LoadOutcome<Dataset> outcome = Load(text.ToString());

        CsvFormatException error = outcome.ShouldFailWith<CsvFormatException, Dataset>();
        error.Message.ShouldBe("Line 2, column 2 ('y'): a quoted field is not closed before the end of the input.");
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }

    [Fact]
    public void FiveMegabyteQuotedFieldOverManyLines_LoadsWithLinearAllocation()
    {
        var label = new StringBuilder();
        while (label.Length < 5_000_000)
        {
            label.Append("part of a long label\r\n");
        }
        string text = $"x,y\n1,\"{label}\"\n2,b\n";

        LoadOutcome<Dataset> outcome = Load(text);

        outcome.Error.ShouldBeNull();
        outcome.Result!.Count.ShouldBe(2);
        outcome.Result.ClassNames![0].ShouldBe("b");
        outcome.Result.ClassNames[1].ShouldBe(label.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Trim()); // line breaks inside quotes read as "\n"
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }

    [Fact]
    public void FiveMegabyteUnclosedField_ThrowsWithLinearAllocation()
    {
        string text = "x,y\n1,\"" + new string('z', 5_000_000);

        LoadOutcome<Dataset> outcome = Load(text);

        outcome.ShouldFailWith<CsvFormatException, Dataset>().Message.ShouldContain("not closed");
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }

    [Fact]
    public void DoublingTheRows_DoublesTheAllocation()
    {
        // Linear, not quadratic: the allocation per character stays the same when the input grows 8 times.
        static string Rows(int count)
        {
            var text = new StringBuilder("a,b,c\n");
            for (int i = 0; i < count; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.5},{i % 7}\n");
            }
            return text.ToString();
        }
        string small = Rows(50_000), large = Rows(400_000);

        LoadOutcome<Dataset> smallOutcome = Load(small);
        LoadOutcome<Dataset> largeOutcome = Load(large);

        double perCharacterSmall = (double)smallOutcome.Allocated / small.Length;
        double perCharacterLarge = (double)largeOutcome.Allocated / large.Length;
        perCharacterLarge.ShouldBeLessThan(perCharacterSmall * 1.25);
        largeOutcome.ShouldAllocateAtMost(BytesPerCharacter, large.Length, Slack);
    }

    [Fact]
    public void HeaderNamesOfAMillionCharacters_AreQuotedClippedInTheMessage()
    {
        string name = new('n', 1_000_000);
        string badValue = $"{name},y\nabc,a\n";
        string noSuchColumn = $"{name},y\n1,a\n";

        CsvFormatException value = Load(badValue).ShouldFailWith<CsvFormatException, Dataset>();
        CsvFormatException missing = Load(noSuchColumn, new CsvOptions { LabelColumn = "label" }).ShouldFailWith<CsvFormatException, Dataset>();

        value.Message.ShouldBe($"Line 2, column 1 ('{name[..40]}...'): 'abc' is not a number (expected invariant-culture digits with '.' as the decimal point).");
        value.ColumnName.ShouldBe(name); // the property keeps the whole name
        missing.Message.ShouldBe($"Line 1: the header has no column named 'label' (columns: {name[..40]}..., y).");
    }

    [Fact]
    public void MoreDistinctLabelsThanMaxClassCount_ThrowNamingTheOptionAndTheFix()
    {
        var text = new StringBuilder("x,id\n");
        for (int i = 0; i < 30; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"1,u{i}\n");
        }

        LoadOutcome<Dataset> outcome = Load(text.ToString(), new CsvOptions { MaxClassCount = 25 });

        outcome.ShouldFailWith<CsvFormatException, Dataset>().Message.ShouldBe(
            "Line 27, column 2 ('id'): 'u25' would be distinct class number 26, more than CsvOptions.MaxClassCount (25); if the column is a numeric target use LabelKind.Regression, if it is an identifier choose another label column, otherwise raise MaxClassCount.");
    }

    [Fact]
    public void TenThousandShortUniqueLabels_StayWithinTheBound()
    {
        // The default MaxClassCount (10,000) keeps the per-class cost inside the constant part of the bound.
        var text = new StringBuilder("x,id\n");
        for (int i = 0; i < 10_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"1,{i:x}\n");
        }

        LoadOutcome<Dataset> outcome = Load(text.ToString());

        outcome.Error.ShouldBeNull();
        outcome.Result!.ClassCount.ShouldBe(10_000);
        outcome.ShouldAllocateAtMost(BytesPerCharacter, text.Length, Slack);
    }
}
