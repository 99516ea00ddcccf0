using System.Collections.Generic;

namespace StaticNN.Generator.Model.Layers;

/// <summary><c>[Conv2D]</c> and <c>[Conv1D]</c>: filters sliding over (channels, height, width) or (channels, length).</summary>
/// <remarks>Immutable; structural equality.</remarks>
/// <param name="Dimensions">2 for Conv2D, 1 for Conv1D (then the window's height is 1).</param>
/// <param name="Filters">Output channels.</param>
/// <param name="Window">Kernel size, stride and resolved padding.</param>
/// <param name="Padding">The padding mode as declared.</param>
/// <param name="Activation">Activation applied to the outputs.</param>
/// <param name="Alpha">LeakyReLU slope or ELU scale, resolved; 0 when unused.</param>
/// <param name="HasBias">Whether each filter has a bias.</param>
/// <param name="L2">Weight penalty; 0 for none.</param>
internal sealed record ConvolutionOptions(int Dimensions, int Filters, Window Window, PaddingKind Padding, ActivationKind Activation, float Alpha, bool HasBias, float L2) : LayerOptions
{
    public override LayerKind Kind => Dimensions == 2 ? LayerKind.Conv2D : LayerKind.Conv1D;

    public override ActivationKind OutputActivation => Activation;

    public override float OutputAlpha => Alpha;

    public override IEnumerable<LayerTensor> Tensors(TensorShape input, TensorShape output)
    {
        int channels = input.Grid.Channels;
        yield return Dimensions == 2
            ? LayerTensor.Of("weight", Filters, channels, Window.Height, Window.Width)
            : LayerTensor.Of("weight", Filters, channels, Window.Width);
        if (HasBias)
        {
            yield return LayerTensor.Of("bias", Filters);
        }
    }
}
