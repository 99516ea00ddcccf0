using System;
using System.Linq;
using StaticNN.Data;
using Xunit;

namespace StaticNN.Tests.Data;

public sealed class ImageLayoutTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 3, 1)]
    [InlineData(5, 7, 3, 2)]
    [InlineData(28, 28, 1, 3)]
    public void HwcToChw_PutsEachChannelInItsOwnPlane(int height, int width, int channels, int images)
    {
        int size = height * width * channels;
        // Each value encodes its own (image, y, x, c), so any misplaced value is caught.
        float[] hwc = new float[images * size];
        for (int n = 0; n < images; n++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    for (int c = 0; c < channels; c++)
                        hwc[n * size + (y * width + x) * channels + c] = n * 1_000_000 + y * 10_000 + x * 100 + c;

        float[] chw = new float[hwc.Length];
        ImageLayout.HwcToChw(hwc, chw, height, width, channels);

        for (int n = 0; n < images; n++)
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                        chw[n * size + (c * height + y) * width + x].ShouldBe(n * 1_000_000 + y * 10_000 + x * 100 + c);

        float[] back = new float[hwc.Length];
        ImageLayout.ChwToHwc(chw, back, height, width, channels);
        back.ShouldBe(hwc);
    }

    [Fact]
    public void HwcToChw_RejectsSpansThatAreNotWholeImages()
    {
        var error = Should.Throw<ArgumentException>(() => ImageLayout.HwcToChw(new float[10], new float[10], 2, 2, 3));
        error.Message.ShouldContain("not a positive multiple of one image (2 x 2 x 3 = 12)");
        error.ParamName.ShouldBe("hwc");
    }

    [Fact]
    public void HwcToChw_RejectsSpansOfDifferentLengths()
    {
        var error = Should.Throw<ArgumentException>(() => ImageLayout.HwcToChw(new float[12], new float[24], 2, 2, 3));
        error.Message.ShouldContain("'hwc' holds 12 values but 'chw' 24");
    }

    [Fact]
    public void ChwToHwc_RejectsNonPositiveSizes()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => ImageLayout.ChwToHwc(new float[12], new float[12], 0, 2, 3)).ParamName.ShouldBe("height");
        Should.Throw<ArgumentOutOfRangeException>(() => ImageLayout.ChwToHwc(new float[12], new float[12], 2, 2, -1)).ParamName.ShouldBe("channels");
    }

    [Fact]
    public void HwcToChw_RejectsAnImageLargerThanAnySpan()
    {
        Should.Throw<ArgumentException>(() => ImageLayout.HwcToChw(new float[1], new float[1], 65_536, 65_536, 3)).Message.ShouldContain("larger than any span");
    }
}
