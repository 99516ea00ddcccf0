namespace StaticNN.Generator.Model.Layers;

/// <summary>
/// A sliding window over (height, width) (1-D layers have height 1): its size, its step and the zero padding on each
/// side, resolved from Padding.Valid or Padding.Same by the parser.
/// </summary>
/// <remarks>Immutable; structural equality.</remarks>
internal sealed record Window(int Height, int Width, int StrideHeight, int StrideWidth, int PadTop, int PadBottom, int PadLeft, int PadRight)
{
    public bool IsPadded => PadTop + PadBottom + PadLeft + PadRight > 0;

    /// <summary>Rows of the zero-padded input.</summary>
    public int PaddedHeight(int inputHeight) => inputHeight + PadTop + PadBottom;

    /// <summary>Columns of the zero-padded input.</summary>
    public int PaddedWidth(int inputWidth) => inputWidth + PadLeft + PadRight;

    public int OutputHeight(int inputHeight) => (PaddedHeight(inputHeight) - Height) / StrideHeight + 1;

    public int OutputWidth(int inputWidth) => (PaddedWidth(inputWidth) - Width) / StrideWidth + 1;

    /// <summary>"3x3", or "3" for a window of height 1.</summary>
    public string SizeText => Height == 1 ? $"{Width}" : $"{Height}x{Width}";
}
