using System.Linq;
using StaticNN.Generator.Model;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Parsing;

/// <summary>The network-level parts of <see cref="NetworkSpec"/>: loss and where the type lives.</summary>
public sealed class NetworkParsingTests
{
    [Fact]
    public void NetworkWithoutLoss_UsesMeanSquaredError()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net;
            """).SingleSpec.Loss.ShouldBe(LossKind.MeanSquaredError);
    }

    [Theory]
    [InlineData(Loss.MeanSquaredError, Activation.Identity)]
    [InlineData(Loss.MeanAbsoluteError, Activation.Identity)]
    [InlineData(Loss.BinaryCrossEntropy, Activation.Sigmoid)]
    [InlineData(Loss.CrossEntropy, Activation.Softmax)]
    public void NetworkWithLoss_ReadsLoss(Loss loss, Activation last)
    {
        NetworkSpec spec = GeneratorHarness.Run($$"""
            using StaticNN;

            [Network(Loss = Loss.{{loss}})][Input(2)][Dense(3, Activation.{{last}})]
            public partial class Net;
            """).SingleSpec;

        spec.Loss.ShouldBe((LossKind)(int)loss);
        spec.Loss.ToString().ShouldBe(loss.ToString());
    }

    [Fact]
    public void FileScopedNamespace_IsRecordedWithFullyQualifiedName()
    {
        TypeHierarchySpec type = GeneratorHarness.Run("""
            using StaticNN;

            namespace Company.Models;

            [Network][Input(2)][Dense(1)]
            public partial class Net;
            """).SingleSpec.Type;

        type.Namespace.ShouldBe("Company.Models");
        type.ContainingTypes.Count.ShouldBe(0);
        type.Type.ShouldBe(new TypeDeclarationSpec("class", "Net"));
        type.FullyQualifiedName.ShouldBe("global::Company.Models.Net");
        type.MetadataName.ShouldBe("Company.Models.Net");
    }

    [Fact]
    public void BlockNamespace_IsRecorded()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            namespace Outer
            {
                namespace Inner
                {
                    [Network][Input(2)][Dense(1)]
                    public partial class Net { }
                }
            }
            """).SingleSpec.Type.Namespace.ShouldBe("Outer.Inner");
    }

    [Fact]
    public void GlobalNamespace_IsEmptyString()
    {
        TypeHierarchySpec type = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class Net;
            """).SingleSpec.Type;

        type.Namespace.ShouldBe("");
        type.FullyQualifiedName.ShouldBe("global::Net");
        type.MetadataName.ShouldBe("Net");
    }

    [Fact]
    public void ClassNestedInPartialClassStructAndRecords_RecordsContainersOutermostFirst()
    {
        TypeHierarchySpec type = GeneratorHarness.Run("""
            using StaticNN;

            namespace App;

            public partial class Outer
            {
                public partial struct Middle
                {
                    public partial record Record
                    {
                        public partial record struct Inner
                        {
                            [Network][Input(2)][Dense(1)]
                            public partial class Net;
                        }
                    }
                }
            }
            """).SingleSpec.Type;

        type.Namespace.ShouldBe("App");
        type.ContainingTypes.ToArray().ShouldBe(new[]
        {
            new TypeDeclarationSpec("class", "Outer"),
            new TypeDeclarationSpec("struct", "Middle"),
            new TypeDeclarationSpec("record", "Record"),
            new TypeDeclarationSpec("record struct", "Inner"),
        });
        type.FullyQualifiedName.ShouldBe("global::App.Outer.Middle.Record.Inner.Net");
        type.MetadataName.ShouldBe("App.Outer.Middle.Record.Inner.Net");
    }

    [Fact]
    public void ClassNestedInPartialInterface_RecordsInterfaceKeyword()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            public partial interface IModels
            {
                [Network][Input(2)][Dense(1)]
                public partial class Net;
            }
            """).SingleSpec.Type.ContainingTypes.ToArray().ShouldBe(new[] { new TypeDeclarationSpec("interface", "IModels") });
    }

    [Fact]
    public void SealedClass_IsParsed()
    {
        NetworkSpec spec = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            internal sealed partial class Net;
            """).SingleSpec;

        spec.Type.Type.ShouldBe(new TypeDeclarationSpec("class", "Net"));
    }

    [Theory]
    [InlineData("partial record Net;", "record")]
    [InlineData("partial record class Net;", "record")]
    public void PartialRecord_IsParsedWithRecordKeyword(string declaration, string keyword)
    {
        NetworkSpec spec = GeneratorHarness.Run($$"""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public {{declaration}}
            """).SingleSpec;

        spec.Type.Type.ShouldBe(new TypeDeclarationSpec(keyword, "Net"));
        spec.Layers.Count.ShouldBe(1);
    }

    [Fact]
    public void SameDeclarationParsedTwice_GivesEqualSpecs()
    {
        const string source = """
            using StaticNN;

            namespace App;

            public partial class Outer
            {
                [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(10, Activation.LeakyReLU, Alpha = 0.2f)][Dense(3, Activation.Softmax)]
                public partial class Net;
            }
            """;

        NetworkSpec first = GeneratorHarness.Run(source).SingleSpec;
        NetworkSpec second = GeneratorHarness.Run(source).SingleSpec;

        second.ShouldNotBeSameAs(first);
        second.ShouldBe(first);
        second.GetHashCode().ShouldBe(first.GetHashCode());
    }

    [Fact]
    public void TwoNetworks_GiveTwoSpecs()
    {
        GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(1)]
            public partial class First;

            [Network][Input(3)][Dense(2)]
            public partial class Second;
            """).Specs.Select(s => s.Type.Type.Name).Order().ShouldBe(new[] { "First", "Second" });
    }
}
