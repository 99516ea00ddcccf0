using Microsoft.CodeAnalysis;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>SNN0109-SNN0115: input dimensions and the shape rules of convolution, pooling and Flatten.</summary>
public sealed class ConvolutionDiagnosticsTests
{
    [Fact]
    public void InputWithFourDimensions_ReportsSNN0109AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][/*SNN0109*/Input(1, 3, 28, 28)/*end*/][Conv2D(8, 3)][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0109", DiagnosticSeverity.Error,
            "The input of 'Net' has 4 dimensions ((1, 3, 28, 28)); StaticNN supports 1 (features), 2 (rows, columns) or 3 (channels, height, width)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void InputOfTwoDimensions_IsOneImageChannelAndNoLongerAnInvalidArgument()
    {
        // Before the shape model, [Input(28, 28)] was SNN0007 ("not a valid constant").
        GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(28, 28)][Conv2D(4, 3, Activation.ReLU)][Flatten][Dense(2)]
            public partial class Net;
            """).ShouldCompileWithoutWarnings().SingleSpec.Input.ToString().ShouldBe("(1, 28, 28)");
    }

    [Fact]
    public void Conv2DOnAVector_ReportsSNN0110NamingTheShape()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(64)][/*SNN0110*/Conv2D(8, 3)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0110", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' is Conv2D, which needs a (channels, height, width) or (height, width) input, but it receives (64) (features)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void MaxPool1DOnAnImage_ReportsSNN0110()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(3, 8, 8)][/*SNN0110*/MaxPool1D(2)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0110", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' is MaxPool1D, which needs a (channels, length) input, but it receives (3, 8, 8) (channels, height, width)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void DenseAfterConvolutionWithoutFlatten_ReportsSNN0111SuggestingFlatten()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 28, 28)][Conv2D(32, 3, Activation.ReLU)][MaxPool2D(2)][/*SNN0111*/Dense(10)/*end*/]
            public partial class Net;
            """,
            "SNN0111", DiagnosticSeverity.Error,
            "Layer 2 of 'Net' is Dense, which needs a flat (1-D) input, but it receives (32, 13, 13) (channels, height, width); add [Flatten] before it (or [GlobalAveragePool2D] to average each channel)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void LayerNormOnAnImage_ReportsSNN0111()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2, 4, 4)][/*SNN0111*/LayerNorm/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0111", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' is LayerNorm, which needs a flat (1-D) input, but it receives (2, 4, 4) (channels, height, width); add [Flatten] before it (or [GlobalAveragePool2D] to average each channel)")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void KernelLargerThanItsInput_ReportsSNN0112()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 5, 7)][/*SNN0112*/Conv2D(4, 6)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0112", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' has a 6x6 kernel, larger than its 5x7 input, so it produces no output; use a smaller kernel or Padding = Padding.Same")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void PoolThatLeavesNoOutput_ReportsSNN0112()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 8, 8)][Conv2D(4, 3)][MaxPool2D(2)][/*SNN0112*/MaxPool2D(4)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0112", DiagnosticSeverity.Error,
            "Layer 2 of 'Net' has a 4x4 pool window, larger than its 3x3 input, so it produces no output; use a smaller pool size, or pool after fewer size-reducing layers")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void SamePaddingWithAnEvenKernel_WarnsSNN0113AndStillGenerates()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 8, 8)][/*SNN0113*/Conv2D(4, 2, Padding = Padding.Same)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0113", DiagnosticSeverity.Warning,
            "Layer 0 of 'Net' pads 0 top, 1 bottom, 0 left and 1 right for Padding.Same: its 2x2 kernel with stride 1 needs an odd total of 1, so the extra one goes at the bottom and the right, as Keras and PyTorch's padding='same' do; use an odd kernel for symmetric padding")
            .Run.ShouldCompileWithoutWarnings("SNN0113");
    }

    [Fact]
    public void SamePaddingWithStrideThatDoesNotDivide_WarnsSNN0113WithTheStrideAsTheReason()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 7, 6)][/*SNN0113*/Conv2D(4, 3, Stride = 2, Padding = Padding.Same)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0113", DiagnosticSeverity.Warning,
            "Layer 0 of 'Net' pads 1 top, 1 bottom, 0 left and 1 right for Padding.Same: its 3x3 kernel with stride 2 needs an odd total of 1, so the extra one goes at the right, as Keras and PyTorch's padding='same' do; with stride 2, the padding is symmetric when input - kernel is a multiple of the stride")
            .Run.ShouldCompileWithoutWarnings("SNN0113");
    }

    [Fact]
    public void ConvolutionalOutputWithoutFlatten_ReportsSNN0114()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 8, 8)][/*SNN0114*/Conv2D(4, 3)/*end*/]
            public partial class Net;
            """,
            "SNN0114", DiagnosticSeverity.Error,
            "The last layer of 'Net' produces (4, 6, 6) (channels, height, width); outputs and targets are flat vectors, so end with [Flatten] (or [GlobalAveragePool2D])")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void LayerOutputTooLarge_ReportsSNN0115()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(3, 512, 512)][/*SNN0115*/Conv2D(64, 3, Padding = Padding.Same)/*end*/][GlobalAveragePool2D][Dense(2)]
            public partial class Net;
            """,
            "SNN0115", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' produces (64, 512, 512) (channels, height, width), 16777216 values per sample; StaticNN supports at most 4194304 values per layer")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void StrideBelowOne_ReportsSNN0108()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 8, 8)][/*SNN0108*/Conv2D(4, 3, Stride = 0)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0108", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' sets Stride to 0; it must be at least 1")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ZeroFiltersOrKernel_ReportsSNN0101()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(1, 8, 8)][/*SNN0101*/Conv2D(4, 0)/*end*/][Flatten][Dense(2)]
            public partial class Net;
            """,
            "SNN0101", DiagnosticSeverity.Error,
            "The window of layer 0 of 'Net' has size 0; sizes must be at least 1")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }
}
