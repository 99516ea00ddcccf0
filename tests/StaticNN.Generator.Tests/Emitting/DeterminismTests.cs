using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Emitting;

/// <summary>The same input gives byte-identical output, whatever the culture of the machine that builds (STYLE 6).</summary>
public sealed class DeterminismTests
{
    private const string Source = """
        using StaticNN;

        namespace App;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(7)]
        [Dense(9, Activation.LeakyReLU, Alpha = 0.2f)]
        [Dense(5, Activation.ELU, Alpha = 1.5f, UseBias = false)]
        [Dense(3, Activation.Softmax)]
        public partial class Net;
        """;

    private static (string HintName, byte[] Bytes, string Encoding)[] Generate()
    {
        GeneratorRun run = GeneratorHarness.Run(Source);
        return run.Result.GeneratedSources
            .Select(s => (s.HintName, Encoding.UTF8.GetBytes(s.SourceText.ToString()), s.SourceText.Encoding?.WebName ?? "(none)"))
            .ToArray();
    }

    [Fact]
    public void TwoIndependentRuns_GiveByteIdenticalSourcesInTheSameOrder()
    {
        var first = Generate();
        var second = Generate();

        second.Select(s => s.HintName).ShouldBe(first.Select(s => s.HintName));
        for (int i = 0; i < first.Length; i++)
        {
            second[i].Encoding.ShouldBe(first[i].Encoding);
            second[i].Bytes.SequenceEqual(first[i].Bytes).ShouldBeTrue(first[i].HintName);
        }
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("ar-SA")]
    [InlineData("tr-TR")]
    public void RunUnderOtherCulture_GivesByteIdenticalSources(string culture)
    {
        var invariant = WithCulture(CultureInfo.InvariantCulture, Generate);
        var other = WithCulture(CultureInfo.GetCultureInfo(culture), Generate);

        other.Select(s => s.HintName).ShouldBe(invariant.Select(s => s.HintName));
        for (int i = 0; i < invariant.Length; i++)
        {
            if (!other[i].Bytes.SequenceEqual(invariant[i].Bytes))
            {
                SnapshotAssert.FirstDifference(Encoding.UTF8.GetString(invariant[i].Bytes), Encoding.UTF8.GetString(other[i].Bytes))
                    .ShouldBeEmpty($"{invariant[i].HintName} differs under {culture}");
            }
        }
    }

    [Fact]
    public void FloatLiterals_UseInvariantFormatUnderGermanCulture()
    {
        string api = WithCulture(CultureInfo.GetCultureInfo("de-DE"), () => GeneratorHarness.Run(Source).Sources["App.Net.g.cs"]);

        api.ShouldContain("0.2f");
        api.ShouldContain("1.5f");
        api.ShouldNotContain("0,2f");
        api.ShouldNotContain("1,5f");
    }

    [Fact]
    public void GeneratedText_UsesLfLineEndingsAndAsciiOnly()
    {
        foreach ((string hintName, string source) in GeneratorHarness.Run(Source).Sources)
        {
            source.ShouldNotContain('\r', customMessage: hintName);
            source.ShouldNotContain('\t', customMessage: hintName);
            source.Where(c => c > 127).ShouldBeEmpty(hintName);
            source.ShouldEndWith("}\n", customMessage: hintName);
        }
    }

    private static T WithCulture<T>(CultureInfo culture, System.Func<T> action)
    {
        CultureInfo culture0 = CultureInfo.CurrentCulture, ui0 = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture0;
            CultureInfo.CurrentUICulture = ui0;
        }
    }
}
