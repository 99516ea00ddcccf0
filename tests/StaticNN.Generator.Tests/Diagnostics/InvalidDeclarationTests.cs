using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Diagnostics;

/// <summary>
/// Declarations that C# already rejects or that carry values the runtime does not define. The generator must not add
/// errors of its own in generated code, and must never fail as a whole (that would drop every other network too).
/// </summary>
public sealed class InvalidDeclarationTests
{
    [Fact]
    public void UndefinedActivationValue_ReportsSNN0016AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0016*/Dense(3, (Activation)42)/*end*/]
            public partial class Net;
            """,
            "SNN0016", DiagnosticSeverity.Error,
            "The Activation value 42 on 'Net' is not a defined StaticNN.Activation; use one of the named values")
            .Run.ShouldGenerateNothing();
    }

    [Fact]
    public void NegativeActivationValue_ReportsSNN0016WithAnInvariantMinusSign()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [Network][Input(2)][/*SNN0016*/Dense(3, (Activation)(-1))/*end*/]
            public partial class Net;
            """,
            "SNN0016", DiagnosticSeverity.Error,
            "The Activation value -1 on 'Net' is not a defined StaticNN.Activation; use one of the named values")
            .Run.ShouldGenerateNothing();
    }

    [Fact]
    public void UndefinedLossValue_ReportsSNN0016AndGeneratesNothing()
    {
        DiagnosticAssert.ReportsSingle("""
            using StaticNN;

            [/*SNN0016*/Network(Loss = (Loss)7)/*end*/][Input(2)][Dense(3)]
            public partial class Net;
            """,
            "SNN0016", DiagnosticSeverity.Error,
            "The Loss value 7 on 'Net' is not a defined StaticNN.Loss; use one of the named values")
            .Run.ShouldGenerateNothing();
    }

    [Theory]
    [InlineData("Kernels")]
    [InlineData("InputVector")]
    [InlineData("OutputVector")]
    [InlineData("TrainingWorkspace")]
    public void ReservedNetworkName_ReportsSNN0017AndGeneratesNothing(string name)
    {
        DiagnosticAssert.ReportsSingle($$"""
            using StaticNN;

            [Network][Input(2)][Dense(3)]
            public partial class /*SNN0017*/{{name}}/*end*/;
            """,
            "SNN0017", DiagnosticSeverity.Error,
            $"Network class '{name}' has the name of a type StaticNN generates inside every network; rename the class")
            .Run.ShouldGenerateNothing();
    }

    [Fact]
    public void NetworkOnRecordStruct_OnlyTheCSharpErrorsAreReported()
    {
        // [Network] is AttributeTargets.Class, so C# reports CS0592 three times; generated code for a struct would add
        // CS0452 (ITrainableNetwork<TSelf> requires a class).
        GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(3)]
            public partial record struct Net;
            """).ShouldGenerateNothing().ShouldHaveCompilerErrors("CS0592", "CS0592", "CS0592");
    }

    [Fact]
    public void NetworkAttributeOnTwoPartialDeclarations_GeneratorKeepsWorkingForOtherNetworks()
    {
        // C# reports CS0579 (duplicate attribute); the generator must not crash on two targets for one class
        // ("hintName must be unique"), which would drop the generated code of every network in the project.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(3)]
            public partial class Net;

            [Network]
            public partial class Net;

            [Network][Input(4)][Dense(1)]
            public partial class Other;
            """);

        run.HintNames.ShouldContain("Other.g.cs");
        run.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().ShouldBe(new[] { "CS0579" });
    }
}
