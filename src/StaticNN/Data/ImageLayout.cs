using System;

namespace StaticNN.Data;

/// <summary>
/// Converts images between the (height, width, channels) order of Keras, PIL and most image decoders and the
/// (channels, height, width) order that StaticNN's convolutional networks take (PyTorch's NCHW). One image or a batch
/// of them (both spans a whole number of images of the same size).
/// </summary>
public static class ImageLayout
{
    /// <summary>
    /// Writes <c>chw[c, y, x] = hwc[y, x, c]</c> for every image in <paramref name="hwc"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The spans differ in length, or are not a whole number of height x width x channels images.</exception>
    public static void HwcToChw(ReadOnlySpan<float> hwc, Span<float> chw, int height, int width, int channels)
    {
        int images = CheckedImages(hwc.Length, chw.Length, height, width, channels, nameof(hwc), nameof(chw));
        int positions = height * width;
        int size = positions * channels;
        for (int n = 0; n < images; n++)
        {
            ReadOnlySpan<float> source = hwc.Slice(n * size, size);
            Span<float> target = chw.Slice(n * size, size);
            for (int p = 0; p < positions; p++)
            {
                for (int c = 0; c < channels; c++)
                {
                    target[c * positions + p] = source[p * channels + c];
                }
            }
        }
    }

    /// <summary>
    /// Writes <c>hwc[y, x, c] = chw[c, y, x]</c> for every image in <paramref name="chw"/>: the inverse of <see cref="HwcToChw"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The spans differ in length, or are not a whole number of channels x height x width images.</exception>
    public static void ChwToHwc(ReadOnlySpan<float> chw, Span<float> hwc, int height, int width, int channels)
    {
        int images = CheckedImages(chw.Length, hwc.Length, height, width, channels, nameof(chw), nameof(hwc));
        int positions = height * width;
        int size = positions * channels;
        for (int n = 0; n < images; n++)
        {
            ReadOnlySpan<float> source = chw.Slice(n * size, size);
            Span<float> target = hwc.Slice(n * size, size);
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < positions; p++)
                {
                    target[p * channels + c] = source[c * positions + p];
                }
            }
        }
    }

    private static int CheckedImages(int sourceLength, int targetLength, int height, int width, int channels, string sourceName, string targetName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        long size = (long)height * width * channels;
        if (size > Array.MaxLength)
        {
            throw new ArgumentException($"An image of {height} x {width} x {channels} values is larger than any span.", nameof(height));
        }

        if (sourceLength != targetLength)
        {
            throw new ArgumentException($"'{sourceName}' holds {sourceLength} values but '{targetName}' {targetLength}; both must hold the same images.", targetName);
        }

        if (sourceLength == 0 || sourceLength % size != 0)
        {
            throw new ArgumentException(
                $"'{sourceName}' holds {sourceLength} values, not a positive multiple of one image ({height} x {width} x {channels} = {size}).", sourceName);
        }

        return (int)(sourceLength / size);
    }
}
