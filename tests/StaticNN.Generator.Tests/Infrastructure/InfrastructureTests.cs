using Microsoft.CodeAnalysis.Text;
using StaticNN.Generator.Emitting;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>The helpers other tests rely on must themselves be able to fail.</summary>
public sealed class InfrastructureTests
{
    [Fact]
    public void MarkupWithTwoSpans_IsStrippedAndSpansPointIntoStrippedSource()
    {
        (string source, var spans) = DiagnosticMarkup.Parse("class /*SNN0001*/Net/*end*/ { void /*SNN0008*/Predict/*end*/() { } }");

        source.ShouldBe("class Net { void Predict() { } }");
        spans.ShouldBe(new[] { new ExpectedSpan("SNN0001", new TextSpan(6, 3)), new ExpectedSpan("SNN0008", new TextSpan(17, 7)) });
    }

    [Fact]
    public void MarkupWithoutEnd_Fails()
    {
        Should.Throw<ShouldAssertException>(() => DiagnosticMarkup.Parse("class /*SNN0001*/Net { }"));
        Should.Throw<ShouldAssertException>(() => DiagnosticMarkup.Parse("class Net/*end*/ { }"));
    }

    [Fact]
    public void Normalize_ReplacesVersionAndCarriageReturns()
    {
        SnapshotAssert.Normalize($"a\r\n\"{EmitterText.Version}\"\r\n").ShouldBe("a\n\"%VERSION%\"\n");
    }

    [Fact]
    public void FirstDifference_ReportsLineNumberAndBothTexts()
    {
        string report = SnapshotAssert.FirstDifference("one\ntwo\nthree\n", "one\n2\nthree\n");

        report.ShouldStartWith("First difference at line 2");
        report.ShouldContain("-     2   two");
        report.ShouldContain("+     2   2");
    }

    [Fact]
    public void ShouldCompileWithoutWarnings_FailsOnWarningInUserCode()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                private int _unused;
            }
            """);

        Should.Throw<ShouldAssertException>(() => run.ShouldCompileWithoutWarnings()).Message.ShouldContain("CS0169");
    }
}
