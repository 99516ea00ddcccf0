using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Emitting;

/// <summary>
/// Generated code compiles with nullable enabled and warnings as errors (STYLE 6): every activation x loss, every kind of
/// containing type, C# 12, unsafe on, and XML documentation diagnosed.
/// </summary>
public sealed class GeneratedCodeCompilesTests
{
    public static TheoryData<Activation, Loss> ActivationsAndLosses()
    {
        var data = new TheoryData<Activation, Loss>();
        foreach (Activation activation in System.Enum.GetValues<Activation>())
        {
            foreach (Loss loss in System.Enum.GetValues<Loss>())
            {
                data.Add(activation, loss);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ActivationsAndLosses))]
    public void LastLayerActivationWithLoss_CompilesWithoutCompilerWarnings(Activation last, Loss loss)
    {
        // The hidden layer uses the same activation where it may (Softmax is last-layer only), so every activation's
        // forward and backward code is compiled in both positions. Sizes 7 -> 9 -> 3 hit the vector tails.
        Activation hidden = last == Activation.Softmax ? Activation.ReLU : last;
        string[] expectedWarnings =
            loss == Loss.BinaryCrossEntropy && last != Activation.Sigmoid ? new[] { "SNN0010" }
            : loss == Loss.CrossEntropy && last is not (Activation.Softmax or Activation.Identity) ? new[] { "SNN0011" }
            : System.Array.Empty<string>();

        GeneratorRun run = GeneratorHarness.Run($$"""
            using StaticNN;

            [Network(Loss = Loss.{{loss}})]
            [Input(7)]
            [Dense(9, Activation.{{hidden}})]
            [Dense(3, Activation.{{last}})]
            public partial class Net;
            """);

        run.GeneratorDiagnostics.Select(d => d.Id).ShouldBe(expectedWarnings);
        run.ShouldCompileWithoutWarnings(expectedWarnings);
    }

    [Fact]
    public void SingleLayerSingleOutput_CompilesWithoutWarnings()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.BinaryCrossEntropy)][Input(1)][Dense(1, Activation.Sigmoid, UseBias = false)]
            public partial class Net;
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void ManyLayersMixed_CompilesWithoutWarnings()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(17)]
            [Dense(33, Activation.LeakyReLU, Alpha = 0.2f)]
            [Dense(16, Activation.ELU, Alpha = 0.5f, UseBias = false)]
            [Dense(15, Activation.GELU)]
            [Dense(8, Activation.SiLU)]
            [Dense(1, Activation.Softplus)]
            [Dense(10, Activation.Softmax)]
            public partial class Net;
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void NestedInEveryKindOfPartialContainer_CompilesWithoutWarnings()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            namespace App.Models;

            public partial class Outer
            {
                internal partial struct Middle
                {
                    public partial record Record
                    {
                        public partial record struct Inner
                        {
                            public partial interface IHolder
                            {
                                [Network][Input(2)][Dense(3, Activation.Tanh)][Dense(1)]
                                public partial class Net;
                            }
                        }
                    }
                }
            }
            """).ShouldCompileWithoutWarnings();
    }

    [Theory]
    [InlineData("public sealed partial class Net;")]
    [InlineData("internal partial class Net;")]
    [InlineData("public partial record Net;")]
    [InlineData("public sealed partial record class Net;")]
    [InlineData("public abstract partial class Net;")]
    public void NetworkTypeModifiers_CompileWithoutWarnings(string declaration)
    {
        GeneratorHarness.Run($$"""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(10, Activation.ReLU)][Dense(3, Activation.Softmax)]
            {{declaration}}
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void NetworkInBlockNamespaceWithUserMembers_CompilesWithoutWarnings()
    {
        GeneratorHarness.Run("""
            using System;
            using StaticNN;

            namespace App
            {
                [Network][Input(3)][Dense(2)]
                public partial class Net
                {
                    public float Score(ReadOnlySpan<float> input)
                    {
                        Span<float> output = stackalloc float[OutputSize];
                        Predict(input, output);
                        return output[0] + output[1];
                    }
                }
            }
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void AllowUnsafe_CompilesWithoutWarningsAndSkipsLocalsInit()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(10, Activation.ReLU)][Dense(3, Activation.Softmax)]
            public partial class Net;
            """, HarnessOptions.Default with { AllowUnsafe = true });

        run.ShouldCompileWithoutWarnings();
        INamedTypeSymbol net = run.OutputCompilation.GetTypeByMetadataName("Net").ShouldNotBeNull();
        string[] skipping = net.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.Name == "SkipLocalsInitAttribute"))
            .Select(m => m.Name).Distinct().Order().ToArray();
        skipping.ShouldBe(new[] { "Predict", "PredictBatch", "PredictClass" });
    }

    [Fact]
    public void UnsafeNotAllowed_EmitsNoUnsafeCodeOrSkipLocalsInit()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(10, Activation.ReLU)][Dense(3, Activation.Softmax)]
            public partial class Net;
            """);

        run.ShouldCompileWithoutWarnings();
        foreach ((string hintName, string source) in run.Sources)
        {
            source.ShouldNotContain("SkipLocalsInit", customMessage: hintName);
            System.Text.RegularExpressions.Regex.IsMatch(source, @"\bunsafe\b").ShouldBeFalse(hintName);
            source.ShouldNotContain("fixed (", customMessage: hintName);
        }
    }

    [Fact]
    public void CSharp12_CompilesWithoutWarnings()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            namespace App;

            [Network(Loss = Loss.BinaryCrossEntropy)][Input(2)][Dense(4, Activation.Tanh)][Dense(1, Activation.Sigmoid)]
            public partial class Net;
            """, HarnessOptions.Default with { LanguageVersion = LanguageVersion.CSharp12 }).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void DocumentationDiagnosed_GeneratedDocsHaveNoWarnings()
    {
        // As with <GenerateDocumentationFile>: broken crefs or missing docs on generated public members would be warnings.
        GeneratorHarness.Run("""
            using StaticNN;

            namespace App;

            /// <summary>Holder.</summary>
            public partial class Outer
            {
                /// <summary>The network.</summary>
                [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(10, Activation.LeakyReLU, UseBias = false)][Dense(3, Activation.Softmax)]
                public partial class Net;
            }
            """, HarnessOptions.Default with { DocumentationMode = DocumentationMode.Diagnose }).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void NetworkUsedThroughInterface_CompilesWithoutWarnings()
    {
        GeneratorHarness.Run("""
            using System;
            using StaticNN;

            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(3, Activation.Softmax)]
            public partial class Net;

            public static class Use
            {
                public static int Inputs<T>() where T : class, ITrainableNetwork<T> => T.InputSize + T.GetLayerInfo(0).OutputSize;

                public static float Train(Net net, ReadOnlySpan<float> x, ReadOnlySpan<int> labels, Span<float> g)
                {
                    Net.InputVector input = default;
                    net.Predict(in input, out Net.OutputVector output);
                    return net.ComputeGradients(x, labels, g) + output[0] + Inputs<Net>();
                }
            }
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void NamespaceWithKeywordName_GeneratesCompilingCode()
    {
        // ToDisplayString() escapes the namespace as '@class.Models'; '@' is not allowed in a hint name.
        GeneratorHarness.Run("""
            using StaticNN;

            namespace @class.Models;

            [Network][Input(2)][Dense(1)]
            public partial class Net;
            """).ShouldCompileWithoutWarnings();
    }

    [Fact]
    public void TypesWithKeywordNames_GenerateCompilingCode()
    {
        // The user's own declarations get CS8981 (lower-case type names); generated code must add nothing to that.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticNN;

            public partial class @event
            {
                [Network][Input(2)][Dense(1)]
                public partial class @class;
            }
            """);

        run.Sources.ShouldNotBeEmpty();
        run.CompilerDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !(d.Id == "CS8981" && GeneratorHarness.IsTestSource(d.Location.SourceTree)))
            .Select(GeneratorRun.Describe).Take(5).ShouldBeEmpty();
    }
}
