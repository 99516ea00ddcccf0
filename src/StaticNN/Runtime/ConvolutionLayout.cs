using System;
using System.Diagnostics;

namespace StaticNN.Runtime;

/// <summary>
/// Moves convolution data between the layouts generated kernels use and the logical (PyTorch) ones. Shape-agnostic
/// data movement, called by generated code with constant sizes; the arithmetic lives in the generated kernels.
/// </summary>
/// <remarks>
/// <para>
/// Kernels store a convolution's weights as <c>k[kh][kw][channel][filter padded to 16]</c>, so that each input value is
/// broadcast and multiplied into whole vectors of filters; PyTorch's <c>weight[filter, channel, kh, kw]</c> is the
/// logical layout (<c>[filter, channel, k]</c> for 1-D, the same with kh = 1).
/// </para>
/// <para>
/// Activations of (channels, height, width) are stored channels-last, <c>x[h][w][channel padded to 16]</c> per
/// sample (position-major); padding channels hold zeros. PyTorch's (and the user's) order is channels first.
/// </para>
/// </remarks>
public static class ConvolutionLayout
{
    /// <summary>Copies PyTorch's <c>weight[f, c, kh, kw]</c> into the kernel layout; padding filters are set to zero.</summary>
    public static void CopyWeightsFromLogical(ReadOnlySpan<float> weight, int filters, int channels, int kernelHeight, int kernelWidth, int paddedFilters, Span<float> kernel)
    {
        Debug.Assert(weight.Length == filters * channels * kernelHeight * kernelWidth);
        kernel.Slice(0, kernelHeight * kernelWidth * channels * paddedFilters).Clear();
        int logical = 0;
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < kernelHeight; i++)
                {
                    for (int j = 0; j < kernelWidth; j++)
                    {
                        kernel[((i * kernelWidth + j) * channels + c) * paddedFilters + f] = weight[logical++];
                    }
                }
            }
        }
    }

    /// <summary>Copies kernel-layout weights out as PyTorch's <c>weight[f, c, kh, kw]</c>.</summary>
    public static void CopyWeightsToLogical(ReadOnlySpan<float> kernel, int filters, int channels, int kernelHeight, int kernelWidth, int paddedFilters, Span<float> weight)
    {
        Debug.Assert(weight.Length == filters * channels * kernelHeight * kernelWidth);
        int logical = 0;
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < kernelHeight; i++)
                {
                    for (int j = 0; j < kernelWidth; j++)
                    {
                        weight[logical++] = kernel[((i * kernelWidth + j) * channels + c) * paddedFilters + f];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Fills kernel-layout weights with U(-limit, limit), drawn in PyTorch's order (<c>weight[f, c, kh, kw]</c>, f
    /// outermost) so the values do not depend on the kernel layout. Padding filters are set to zero.
    /// </summary>
    public static void InitializeUniform(Span<float> kernel, int filters, int channels, int kernelHeight, int kernelWidth, int paddedFilters, float limit, ref SeededRandom random)
    {
        kernel.Slice(0, kernelHeight * kernelWidth * channels * paddedFilters).Clear();
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < kernelHeight; i++)
                {
                    for (int j = 0; j < kernelWidth; j++)
                    {
                        kernel[((i * kernelWidth + j) * channels + c) * paddedFilters + f] = random.NextSymmetric(limit);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes the kernel of the input gradient: the weights rotated by 180 degrees with channels and filters swapped,
    /// <c>flipped[i][j][f][c] = kernel[kh-1-i][kw-1-j][c][f]</c>, <c>c</c> padded to <paramref name="paddedChannels"/> with
    /// zeros. A stride-1 convolution of the zero-padded output gradient with it is the input gradient. Does not allocate.
    /// </summary>
    public static void FlipForInputGradient(ReadOnlySpan<float> kernel, int filters, int channels, int kernelHeight, int kernelWidth, int paddedFilters, int paddedChannels, Span<float> flipped)
    {
        flipped.Slice(0, kernelHeight * kernelWidth * filters * paddedChannels).Clear();
        for (int i = 0; i < kernelHeight; i++)
        {
            for (int j = 0; j < kernelWidth; j++)
            {
                int source = ((kernelHeight - 1 - i) * kernelWidth + (kernelWidth - 1 - j)) * channels * paddedFilters;
                int target = (i * kernelWidth + j) * filters * paddedChannels;
                for (int c = 0; c < channels; c++)
                {
                    for (int f = 0; f < filters; f++)
                    {
                        flipped[target + f * paddedChannels + c] = kernel[source + c * paddedFilters + f];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies each sample's (height x width) grid of <paramref name="channelStride"/>-float positions into a larger grid,
    /// at row <paramref name="top"/> and column <paramref name="left"/>, with every other position set to zero; with
    /// a step above 1, input positions land that many rows (or columns) apart (the zeros in
    /// between dilate a stride-s gradient). Does not allocate.
    /// </summary>
    /// <param name="source">count samples, <paramref name="sourceStride"/> floats apart.</param>
    /// <param name="count">Samples.</param>
    /// <param name="sourceStride">Floats per source sample.</param>
    /// <param name="height">Source rows.</param>
    /// <param name="width">Source columns.</param>
    /// <param name="channelStride">Floats per position (source and target).</param>
    /// <param name="stepHeight">Target rows between source rows (1: adjacent).</param>
    /// <param name="stepWidth">Target columns between source columns.</param>
    /// <param name="top">Target row of source row 0.</param>
    /// <param name="left">Target column of source column 0.</param>
    /// <param name="target">count samples, <paramref name="targetStride"/> floats apart.</param>
    /// <param name="targetStride">Floats per target sample.</param>
    /// <param name="targetHeight">Target rows.</param>
    /// <param name="targetWidth">Target columns.</param>
    public static void Embed(ReadOnlySpan<float> source, int count, int sourceStride, int height, int width, int channelStride,
        int stepHeight, int stepWidth, int top, int left, Span<float> target, int targetStride, int targetHeight, int targetWidth)
    {
        Debug.Assert(top + (height - 1) * stepHeight < targetHeight && left + (width - 1) * stepWidth < targetWidth);
        for (int n = 0; n < count; n++)
        {
            Span<float> sample = target.Slice(n * targetStride, targetHeight * targetWidth * channelStride);
            sample.Clear();
            for (int h = 0; h < height; h++)
            {
                int row = (top + h * stepHeight) * targetWidth;
                if (stepWidth == 1)
                {
                    source.Slice(n * sourceStride + h * width * channelStride, width * channelStride)
                        .CopyTo(sample.Slice((row + left) * channelStride));
                    continue;
                }
                for (int w = 0; w < width; w++)
                {
                    source.Slice(n * sourceStride + (h * width + w) * channelStride, channelStride)
                        .CopyTo(sample.Slice((row + left + w * stepWidth) * channelStride));
                }
            }
        }
    }

    /// <summary>
    /// Copies a (height x width) window at (<paramref name="top"/>, <paramref name="left"/>) of each sample's larger grid
    /// out, the first <paramref name="channels"/> floats of each position; the target's padding channels are set to zero.
    /// Does not allocate.
    /// </summary>
    public static void Crop(ReadOnlySpan<float> source, int count, int sourceStride, int sourceWidth, int sourceChannelStride,
        int top, int left, int height, int width, int channels, Span<float> target, int targetStride, int targetChannelStride)
    {
        for (int n = 0; n < count; n++)
        {
            for (int h = 0; h < height; h++)
            {
                for (int w = 0; w < width; w++)
                {
                    int from = n * sourceStride + ((top + h) * sourceWidth + left + w) * sourceChannelStride;
                    Span<float> to = target.Slice(n * targetStride + (h * width + w) * targetChannelStride, targetChannelStride);
                    source.Slice(from, channels).CopyTo(to);
                    to.Slice(channels).Clear();
                }
            }
        }
    }

    /// <summary>
    /// Channels-last to channels-first: <c>target[c * positions + p] = source[p * channelStride + c]</c> per sample, the
    /// sample's tail up to <paramref name="targetStride"/> set to zero. This is PyTorch's flatten order. Does not allocate.
    /// </summary>
    public static void ToChannelsFirst(ReadOnlySpan<float> source, int count, int sourceStride, int positions, int channelStride, int channels,
        Span<float> target, int targetStride)
    {
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> from = source.Slice(n * sourceStride);
            Span<float> to = target.Slice(n * targetStride, targetStride);
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    to[c * positions + p] = from[p * channelStride + c];
                }
            }
            to.Slice(channels * positions).Clear();
        }
    }

    /// <summary>
    /// Channels-first to channels-last: <c>target[p * channelStride + c] = source[c * positions + p]</c> per sample;
    /// padding channels are set to zero. Does not allocate.
    /// </summary>
    public static void ToChannelsLast(ReadOnlySpan<float> source, int count, int sourceStride, int positions, int channels, int channelStride,
        Span<float> target, int targetStride)
    {
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> from = source.Slice(n * sourceStride, channels * positions);
            Span<float> to = target.Slice(n * targetStride, positions * channelStride);
            for (int p = 0; p < positions; p++)
            {
                Span<float> position = to.Slice(p * channelStride, channelStride);
                for (int c = 0; c < channels; c++)
                {
                    position[c] = from[c * positions + p];
                }
                position.Slice(channels).Clear();
            }
        }
    }
}
