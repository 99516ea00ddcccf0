using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>
/// SNN0001-SNN0015: one test per ID (more where a rule has several triggers). Each asserts ID, severity, exact message
/// and the span marked /*ID*/.../*end*/; for errors also that nothing is generated and no C# error comes from generated code.
/// </summary>
public sealed class DeclarationDiagnosticsTests
{
    [Fact]
    public void ClassNotPartial_ReportsSNN0001AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public class /*SNN0001*/Net/*end*/ { }
            """,
            "SNN0001", DiagnosticSeverity.Error,
            "Network class 'Net' must be declared 'partial' so StaticNN can add the generated members")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void NoInputAttribute_ReportsSNN0002AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Dense(3)]
            public partial class /*SNN0002*/Net/*end*/;
            """,
            "SNN0002", DiagnosticSeverity.Error,
            "Network 'Net' has no [Input(size)] attribute; declare the number of inputs, e.g. [Input(4)]")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void NoLayers_ReportsSNN0003AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)]
            public partial class /*SNN0003*/Net/*end*/;
            """,
            "SNN0003", DiagnosticSeverity.Error,
            "Network 'Net' declares no layers; add at least one, e.g. [Dense(10, Activation.ReLU)]")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void GenericClass_ReportsSNN0004AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class /*SNN0004*/Net/*end*/<T>;
            """,
            "SNN0004", DiagnosticSeverity.Error,
            "Network class 'Net' is generic or nested in a generic type; sizes must be fixed, so declare it without type parameters")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ClassNestedInGenericType_ReportsSNN0004OnTheNetwork()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            public partial class Outer<T>
            {
                [Network][Input(2)][Dense(1)]
                public partial class /*SNN0004*/Net/*end*/;
            }
            """,
            "SNN0004", DiagnosticSeverity.Error,
            "Network class 'Net' is generic or nested in a generic type; sizes must be fixed, so declare it without type parameters")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void StaticClass_ReportsSNN0005AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public static partial class /*SNN0005*/Net/*end*/;
            """,
            "SNN0005", DiagnosticSeverity.Error,
            "Network class 'Net' is static; remove 'static', networks are instances holding their weights")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void ContainingTypeNotPartial_ReportsSNN0006OnTheContainer()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            public partial class Outer
            {
                public class /*SNN0006*/Middle/*end*/
                {
                    [Network][Input(2)][Dense(1)]
                    public partial class Net;
                }
            }
            """,
            "SNN0006", DiagnosticSeverity.Error,
            "Type 'Middle', which contains network 'Net', must be declared 'partial'")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void TwoContainingTypesNotPartial_ReportsSNN0006OnEach()
    {
        (GeneratorRun run, var diagnostics) = DiagnosticAssert.Reports("""
            using StaticNN;

            public struct /*SNN0006*/Outer/*end*/
            {
                public class /*SNN0006*/Middle/*end*/
                {
                    [Network][Input(2)][Dense(1)]
                    public partial class Net;
                }
            }
            """);

        DiagnosticAssert.ShouldBe(diagnostics[0], "SNN0006", DiagnosticSeverity.Error, "Type 'Outer', which contains network 'Net', must be declared 'partial'");
        DiagnosticAssert.ShouldBe(diagnostics[1], "SNN0006", DiagnosticSeverity.Error, "Type 'Middle', which contains network 'Net', must be declared 'partial'");
        run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void DenseSizeFromNonConstField_ReportsCS0182AndSNN0007AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0007*/Dense(Net.Units)/*end*/]
            public partial class Net
            {
                public static int Units = 3;
            }
            """,
            "SNN0007", DiagnosticSeverity.Error,
            "An argument of [Dense] on 'Net' could not be evaluated as a constant; use literal values or const fields")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors("CS0182");
    }

    [Fact]
    public void InputSizeFromNonConstField_ReportsCS0182AndSNN0007AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][/*SNN0007*/Input(Net.Features)/*end*/][Dense(3)]
            public partial class Net
            {
                public static readonly int Features = 3;
            }
            """,
            "SNN0007", DiagnosticSeverity.Error,
            "An argument of [Input] on 'Net' could not be evaluated as a constant; use literal values or const fields")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors("CS0182");
    }

    [Fact]
    public void LossFromNonConstField_ReportsCS0182AndSNN0007AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0007*/Network(Loss = Net.TrainingLoss)/*end*/][Input(2)][Dense(3)]
            public partial class Net
            {
                public static Loss TrainingLoss = Loss.CrossEntropy;
            }
            """,
            "SNN0007", DiagnosticSeverity.Error,
            "An argument of [Network] on 'Net' could not be evaluated as a constant; use literal values or const fields")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors("CS0182");
    }

    [Fact]
    public void AlphaFromNonConstField_ReportsCS0182AndSNN0007AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0007*/Dense(3, Activation.LeakyReLU, Alpha = Net.Slope)/*end*/]
            public partial class Net
            {
                public static float Slope = 0.1f;
            }
            """,
            "SNN0007", DiagnosticSeverity.Error,
            "An argument of [Dense] on 'Net' could not be evaluated as a constant; use literal values or const fields")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors("CS0182");
    }

    [Fact]
    public void DenseWithoutArguments_ReportsCS7036AndSNN0007AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0007*/Dense/*end*/]
            public partial class Net;
            """,
            "SNN0007", DiagnosticSeverity.Error,
            "An argument of [Dense] on 'Net' could not be evaluated as a constant; use literal values or const fields")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors("CS7036");
    }

    [Fact]
    public void UserPredictMethod_ReportsSNN0008AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                public float /*SNN0008*/Predict/*end*/(float x) => x;
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'Predict', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void UserIntConstructor_ReportsSNN0008AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                public /*SNN0008*/Net/*end*/(int x) => X = x;

                public int X { get; }
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'constructor Net(int)', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void UserParameterlessConstructor_ReportsSNN0008AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                public /*SNN0008*/Net/*end*/()
                {
                }
            }
            """,
            "SNN0008", DiagnosticSeverity.Error,
            "'Net' declares or inherits 'constructor Net()', which StaticNN generates for networks; rename or remove it")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void DuplicateInput_ReportsCS0579AndSNN0009OnTheSecond()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0009*/Input(3)/*end*/][Dense(1)]
            public partial class Net;
            """,
            "SNN0009", DiagnosticSeverity.Error,
            "Network 'Net' has more than one [Input] attribute; keep exactly one")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors("CS0579");
    }

    [Fact]
    public void BinaryCrossEntropyOnTanhOutput_ReportsSNN0010AndStillGenerates()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0010*/Network(Loss = Loss.BinaryCrossEntropy)/*end*/][Input(2)][Dense(1, Activation.Tanh)]
            public partial class Net;
            """,
            "SNN0010", DiagnosticSeverity.Warning,
            "Network 'Net' uses BinaryCrossEntropy but its last layer's activation is Tanh: its outputs are treated as logits and Predict returns logits, not probabilities; use Activation.Sigmoid on the last layer")
            .Run.ShouldCompileWithoutWarnings("SNN0010");
    }

    [Fact]
    public void PragmaWarningDisable_SuppressesSNN0010()
    {
        // Only a diagnostic with a real source location can be suppressed by #pragma (STYLE 3.3, dotnet/runtime#92509).
        (GeneratorRun run, Diagnostic diagnostic) = DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            #pragma warning disable SNN0010
            [/*SNN0010*/Network(Loss = Loss.BinaryCrossEntropy)/*end*/][Input(2)][Dense(1)]
            #pragma warning restore SNN0010
            public partial class Net;
            """,
            "SNN0010", DiagnosticSeverity.Warning,
            "Network 'Net' uses BinaryCrossEntropy but its last layer's activation is Identity: its outputs are treated as logits and Predict returns logits, not probabilities; use Activation.Sigmoid on the last layer");

        diagnostic.IsSuppressed.ShouldBeTrue();
        run.ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void WithoutPragma_SNN0010IsNotSuppressed()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0010*/Network(Loss = Loss.BinaryCrossEntropy)/*end*/][Input(2)][Dense(1)]
            #pragma warning disable SNN0010
            public partial class Net;
            """,
            "SNN0010", DiagnosticSeverity.Warning,
            "Network 'Net' uses BinaryCrossEntropy but its last layer's activation is Identity: its outputs are treated as logits and Predict returns logits, not probabilities; use Activation.Sigmoid on the last layer")
            .Diagnostic.IsSuppressed.ShouldBeFalse();
    }

    [Fact]
    public void CrossEntropyOnReLUOutput_ReportsSNN0011AndStillGenerates()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0011*/Network(Loss = Loss.CrossEntropy)/*end*/][Input(4)][Dense(3, Activation.ReLU)]
            public partial class Net;
            """,
            "SNN0011", DiagnosticSeverity.Warning,
            "Network 'Net' uses CrossEntropy but its last layer's activation is ReLU: its outputs are treated as logits; use Activation.Softmax (probabilities) or Activation.Identity (logits)")
            .Run.ShouldCompileWithoutWarnings("SNN0011");
    }

    [Theory]
    [InlineData(Activation.Softmax)]
    [InlineData(Activation.Identity)]
    public void CrossEntropyOnSoftmaxOrIdentityOutput_ReportsNothing(Activation last)
    {
        GeneratorHarness.Run($$"""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(3, Activation.{{last}})]
            public partial class Net;
            """).ShouldCompileWithoutWarnings().GeneratorDiagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void SoftmaxOnHiddenLayer_ReportsSNN0012AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)][/*SNN0012*/Dense(8, Activation.Softmax)/*end*/][Dense(3)]
            public partial class Net;
            """,
            "SNN0012", DiagnosticSeverity.Error,
            "Layer 0 of 'Net' uses Activation.Softmax, which is only supported on the last layer")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void LayersOnTwoPartialDeclarations_ReportsSNN0013AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)][Dense(8)]
            public partial class /*SNN0013*/Net/*end*/;

            [Dense(3)]
            public partial class Net;
            """,
            "SNN0013", DiagnosticSeverity.Error,
            "Network 'Net' declares layers on more than one partial declaration, so their order is ambiguous; put all layer attributes on one declaration")
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void InputOnOtherPartialDeclaration_IsAllowed()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Dense(8)][Dense(3)]
            public partial class Net;

            [Input(4)]
            public partial class Net;
            """);

        run.ShouldCompileWithoutWarnings();
        run.SingleSpec.InputSize.ShouldBe(4);
    }

    [Fact]
    public void AlphaOnTanh_ReportsSNN0014AndStillGenerates()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(4)][Dense(8, Activation.ReLU)][/*SNN0014*/Dense(3, Activation.Tanh, Alpha = 0.5f)/*end*/]
            public partial class Net;
            """,
            "SNN0014", DiagnosticSeverity.Warning,
            "Layer 1 of 'Net' sets Alpha but its activation Tanh does not use it; Alpha applies to LeakyReLU and ELU")
            .Run.ShouldCompileWithoutWarnings("SNN0014");
    }

    [Fact]
    public void CSharp11_ReportsSNN0015AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class /*SNN0015*/Net/*end*/
            {
            }
            """,
            "SNN0015", DiagnosticSeverity.Error,
            "Network 'Net' needs C# 12 or later (generated code uses inline arrays); set <LangVersion>12</LangVersion> or newer",
            HarnessOptions.Default with { LanguageVersion = LanguageVersion.CSharp11 })
            .Run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
    }

    [Fact]
    public void SeveralProblems_AreAllReportedInOneRun()
    {
        (GeneratorRun run, var diagnostics) = DiagnosticAssert.Reports("""
            using StaticNN;

            [/*SNN0011*/Network(Loss = Loss.CrossEntropy)/*end*/]
            [/*SNN0101*/Input(0)/*end*/]
            [/*SNN0012*/Dense(8, Activation.Softmax)/*end*/]
            [/*SNN0014*/Dense(3, Activation.Tanh, Alpha = 2f)/*end*/]
            public class /*SNN0001*/Net/*end*/
            {
                public void /*SNN0008*/Predict/*end*/() { }
            }
            """);

        diagnostics.Select(d => d.Severity).ShouldBe(new[]
        {
            DiagnosticSeverity.Warning, DiagnosticSeverity.Error, DiagnosticSeverity.Error,
            DiagnosticSeverity.Warning, DiagnosticSeverity.Error, DiagnosticSeverity.Error,
        });
        run.ShouldGenerateNothing().ShouldHaveCompilerErrors();
        SnapshotAssert.MatchesDiagnostics(run.GeneratorDiagnostics);
    }
}
