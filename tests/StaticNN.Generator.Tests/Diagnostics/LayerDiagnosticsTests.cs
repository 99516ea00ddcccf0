using Microsoft.CodeAnalysis;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>SNN0105-SNN0108: dropout rates, residual blocks, layer settings.</summary>
public sealed class LayerDiagnosticsTests
{
    [Theory]
    [InlineData("1f", "1")]
    [InlineData("-0.1f", "-0.1")]
    [InlineData("float.NaN", "NaN")]
    public void DropoutRateOutOfRange_ReportsSNN0105(string rate, string shown)
    {
        DiagnosticAssert.ReportsSingle($$"""
            using StaticNN;

            [Network][Input(4)][Dense(8)][/*SNN0105*/Dropout({{rate}})/*end*/][Dense(1)]
            public partial class Net;
            """,
            "SNN0105", DiagnosticSeverity.Error,
            $"Layer 1 of 'Net' has dropout rate {shown}; it must be at least 0 and below 1")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ResidualBlockChangingSize_ReportsSNN0106OnTheEnd()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(8)][ResidualBegin][Dense(16, Activation.ReLU)][/*SNN0106*/ResidualEnd/*end*/][Dense(1)]
            public partial class Net;
            """,
            "SNN0106", DiagnosticSeverity.Error,
            "The residual block ending at layer 1 of 'Net' takes 8 values but produces 16; x + f(x) needs equal sizes")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ResidualEndWithoutBegin_ReportsSNN0107()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(8)][Dense(8)][/*SNN0107*/ResidualEnd/*end*/]
            public partial class Net;
            """,
            "SNN0107", DiagnosticSeverity.Error,
            "'Net' has a [ResidualEnd] without a matching [ResidualBegin]")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ResidualBeginNeverClosed_ReportsSNN0107OnTheClass()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(8)][ResidualBegin][Dense(8)]
            public partial class /*SNN0107*/Net/*end*/;
            """,
            "SNN0107", DiagnosticSeverity.Error,
            "'Net' has a [ResidualBegin] without a matching [ResidualEnd]")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Theory]
    [InlineData("Dense(8, L2 = -0.01f)", "L2", "-0.01", "it must be finite and at least 0")]
    [InlineData("BatchNorm(Momentum = 1f)", "Momentum", "1", "it must be in [0, 1)")]
    [InlineData("LayerNorm(Epsilon = 0f)", "Epsilon", "0", "it must be positive and finite")]
    public void LayerSettingOutOfRange_ReportsSNN0108(string layer, string setting, string value, string rule)
    {
        DiagnosticAssert.ReportsSingle($$"""
            using StaticNN;

            [Network][Input(8)][/*SNN0108*/{{layer}}/*end*/][Dense(1)]
            public partial class Net;
            """,
            "SNN0108", DiagnosticSeverity.Error,
            $"Layer 0 of 'Net' sets {setting} to {value}; {rule}")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ActivationLayerSoftmaxBeforeTheEnd_ReportsSNN0012()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)][Dense(8)][/*SNN0012*/Activation(Activation.Softmax)/*end*/][Dense(2)]
            public partial class Net;
            """,
            "SNN0012", DiagnosticSeverity.Error,
            "Layer 1 of 'Net' uses Activation.Softmax, which is only supported on the last layer")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }
}
