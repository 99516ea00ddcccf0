using Microsoft.CodeAnalysis;
using StaticNN.Generator.Parsing;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>SNN0101-SNN0104: sizes, parameter count and Alpha.</summary>
public sealed class ShapeDiagnosticsTests
{
    [Fact]
    public void InputSizeZero_ReportsSNN0101AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][/*SNN0101*/Input(0)/*end*/][Dense(3)]
            public partial class Net;
            """,
            "SNN0101", DiagnosticSeverity.Error,
            "The input of 'Net' has size 0; sizes must be at least 1")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void NegativeLayerSize_ReportsSNN0101WithLayerIndex()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)][Dense(8)][/*SNN0101*/Dense(-3)/*end*/]
            public partial class Net;
            """,
            "SNN0101", DiagnosticSeverity.Error,
            "Layer 1 of 'Net' has size -3; sizes must be at least 1")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void InputLargerThanMaximum_ReportsSNN0102AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][/*SNN0102*/Input(16385)/*end*/][Dense(3)]
            public partial class Net;
            """,
            "SNN0102", DiagnosticSeverity.Error,
            "The input of 'Net' has size 16385; StaticNN supports at most 16384 values per layer (Predict keeps activations on the stack)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void LayerLargerThanMaximum_ReportsSNN0102()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(8)][/*SNN0102*/Dense(16385)/*end*/]
            public partial class Net;
            """,
            "SNN0102", DiagnosticSeverity.Error,
            "Layer 1 of 'Net' has size 16385; StaticNN supports at most 16384 values per layer (Predict keeps activations on the stack)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void LayerOfMaximumSize_IsAccepted()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(16384)][Dense(16384)]
            public partial class Net;
            """).GeneratorDiagnostics.ShouldNotContain(d => d.Id == "SNN0102");
        NetworkParser.MaxLayerSize.ShouldBe(16384);
    }

    [Fact]
    public void TooManyParameters_ReportsSNN0103OnTheClassAndGeneratesNothing()
    {
        // 16384 * 4000 weights + 4000 biases.
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(16384)][Dense(4000)]
            public partial class /*SNN0103*/Net/*end*/;
            """,
            "SNN0103", DiagnosticSeverity.Error,
            "Network 'Net' has 65540000 parameters; StaticNN supports at most 50000000")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ParametersJustBelowLimitWithoutBias_AreAccepted()
    {
        // 10000 * 5000 = 50,000,000 weights exactly, no bias.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(10000)][Dense(5000, UseBias = false)]
            public partial class Net;
            """);

        run.GeneratorDiagnostics.ShouldBeEmpty();
        run.SingleSpec.Layers[0].OutputSize.ShouldBe(5000);
        NetworkParser.MaxParameterCount.ShouldBe(50_000_000);
    }

    [Fact]
    public void ParametersOneAboveLimit_ReportsSNN0103()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(10000)][Dense(5000, UseBias = false)][Dense(1, UseBias = false)]
            public partial class /*SNN0103*/Net/*end*/;
            """,
            "SNN0103", DiagnosticSeverity.Error,
            "Network 'Net' has 50005000 parameters; StaticNN supports at most 50000000");
    }

    [Fact]
    public void InfiniteAlpha_ReportsSNN0104AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0104*/Dense(3, Activation.LeakyReLU, Alpha = float.PositiveInfinity)/*end*/]
            public partial class Net;
            """,
            "SNN0104", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' sets Alpha to Infinity; it must be finite")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void NegativeInfiniteAlphaOnELU_ReportsSNN0104()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(4)][/*SNN0104*/Dense(3, Activation.ELU, Alpha = -1f / 0f)/*end*/]
            public partial class Net;
            """,
            "SNN0104", DiagnosticSeverity.Error,
            "Layer 1 of 'Net' sets Alpha to -Infinity; it must be finite")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }
}
