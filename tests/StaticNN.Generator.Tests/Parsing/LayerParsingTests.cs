using System.Linq;
using StaticNN.Generator.Model;
using StaticNN.Generator.Model.Layers;
using StaticNN.Generator.Tests.Infrastructure;

namespace StaticNN.Generator.Tests.Parsing;

/// <summary>How [Input] and [Dense] attributes become <see cref="LayerSpec"/>s: one behaviour per test, no snapshots.</summary>
public sealed class LayerParsingTests
{
    private static NetworkSpec Parse(string attributes) =>
        GeneratorHarness.Run($$"""
            using StaticNN;

            {{attributes}}
            public partial class Net;
            """).SingleSpec;

    private static DenseOptions Dense(LayerSpec layer) => layer.Options.ShouldBeOfType<DenseOptions>();

    [Fact]
    public void ThreeLayers_InputSizeOfEachLayerIsOutputSizeOfPrevious()
    {
        NetworkSpec spec = Parse("[Network][Input(5)][Dense(7)][Dense(3)][Dense(2)]");

        spec.InputSize.ShouldBe(5);
        spec.Layers.Select(l => (l.InputSize, l.OutputSize)).ShouldBe(new[] { (5, 7), (7, 3), (3, 2) });
    }

    [Fact]
    public void LayersInOneAttributeListAndAfterInput_KeepSourceOrderAndIndices()
    {
        NetworkSpec spec = Parse("""
            [Dense(8), Dense(6)]
            [Network]
            [Input(3)]
            [Dense(4)]
            [Dense(2)]
            """);

        spec.InputSize.ShouldBe(3);
        spec.Layers.Select(l => l.OutputSize).ShouldBe(new[] { 8, 6, 4, 2 });
        spec.Layers.Select(l => l.Index).ShouldBe(new[] { 0, 1, 2, 3 });
        spec.Layers[0].InputSize.ShouldBe(3);
        spec.Layers.ShouldAllBe(l => l.Kind == Model.LayerKind.Dense);
    }

    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.LeakyReLU)]
    [InlineData(Activation.ELU)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softmax)]
    [InlineData(Activation.GELU)]
    [InlineData(Activation.SiLU)]
    [InlineData(Activation.Softplus)]
    public void DenseWithActivation_ReadsActivation(Activation activation)
    {
        NetworkSpec spec = Parse($"[Network][Input(2)][Dense(3, Activation.{activation})]");

        spec.Layers[0].Activation.ShouldBe((ActivationKind)(int)activation);
        spec.Layers[0].Activation.ToString().ShouldBe(activation.ToString());
    }

    [Fact]
    public void DenseWithoutActivation_IsIdentity()
    {
        Parse("[Network][Input(2)][Dense(3)]").Layers[0].Activation.ShouldBe(ActivationKind.Identity);
    }

    [Theory]
    [InlineData(Activation.LeakyReLU, 0.01f)]
    [InlineData(Activation.ELU, 1f)]
    [InlineData(Activation.Identity, 0f)]
    [InlineData(Activation.ReLU, 0f)]
    [InlineData(Activation.Sigmoid, 0f)]
    [InlineData(Activation.Tanh, 0f)]
    [InlineData(Activation.Softmax, 0f)]
    [InlineData(Activation.GELU, 0f)]
    [InlineData(Activation.SiLU, 0f)]
    [InlineData(Activation.Softplus, 0f)]
    public void AlphaNotSet_IsTheActivationsDefault(Activation activation, float expected)
    {
        Parse($"[Network][Input(2)][Dense(3, Activation.{activation})]").Layers[0].Alpha.ShouldBe(expected);
    }

    [Theory]
    [InlineData("LeakyReLU", "0.2f", 0.2f)]
    [InlineData("ELU", "2.5f", 2.5f)]
    [InlineData("LeakyReLU", "-0.5f", -0.5f)]
    [InlineData("ELU", "0f", 0f)]
    public void AlphaSet_IsKeptForLeakyReLUAndELU(string activation, string literal, float expected)
    {
        Parse($"[Network][Input(2)][Dense(3, Activation.{activation}, Alpha = {literal})]").Layers[0].Alpha.ShouldBe(expected);
    }

    [Fact]
    public void AlphaSetToNaN_MeansTheDefault()
    {
        Parse("[Network][Input(2)][Dense(3, Activation.LeakyReLU, Alpha = float.NaN)]").Layers[0].Alpha.ShouldBe(0.01f);
    }

    [Fact]
    public void AlphaOnActivationThatIgnoresIt_IsZeroInSpec()
    {
        // SNN0014 warns about this; the spec stays canonical, so it caches like a declaration without Alpha.
        Parse("[Network][Input(2)][Dense(3, Activation.Tanh, Alpha = 0.3f)]").Layers[0].Alpha.ShouldBe(0f);
    }

    [Fact]
    public void AlphaFromConstField_IsRead()
    {
        NetworkSpec spec = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(2)][Dense(3, Activation.LeakyReLU, Alpha = Net.Slope)]
            public partial class Net
            {
                public const float Slope = 0.125f;
            }
            """).SingleSpec;

        spec.Layers[0].Alpha.ShouldBe(0.125f);
    }

    [Fact]
    public void UseBiasFalse_HasNoBias()
    {
        NetworkSpec spec = Parse("[Network][Input(2)][Dense(3, UseBias = false)][Dense(1, Activation.Sigmoid)]");

        Dense(spec.Layers[0]).HasBias.ShouldBeFalse();
        Dense(spec.Layers[1]).HasBias.ShouldBeTrue();
    }

    [Fact]
    public void UseBiasTrue_HasBias()
    {
        Dense(Parse("[Network][Input(2)][Dense(3, UseBias = true)]").Layers[0]).HasBias.ShouldBeTrue();
    }

    [Fact]
    public void SizesFromConstFields_AreRead()
    {
        NetworkSpec spec = GeneratorHarness.Run("""
            using StaticNN;

            [Network][Input(Sizes.Features)][Dense(Sizes.Hidden * 2, Activation.ReLU)][Dense(Sizes.Classes)]
            public partial class Net;

            static class Sizes
            {
                public const int Features = 13;
                public const int Hidden = 8;
                public const int Classes = 3;
            }
            """).SingleSpec;

        spec.InputSize.ShouldBe(13);
        spec.Layers.Select(l => l.OutputSize).ShouldBe(new[] { 16, 3 });
    }
}
