using System;
using StaticNN.Layers;
using StaticNN.Runtime;
using StaticNN.Tests.Infrastructure;

namespace StaticNN.Tests.Layers;

public class DropoutKernelsTests
{
    private static float[] Input(int rows, int stride, int width, int seed)
    {
        var random = new Random(seed);
        float[] x = new float[rows * stride];
        x.AsSpan().Fill(float.NaN);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < width; j++)
                x[r * stride + j] = (float)(random.NextDouble() * 10 - 5);
        return x;
    }

    private static float[] NaNs(int n)
    {
        float[] a = new float[n];
        a.AsSpan().Fill(float.NaN);
        return a;
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Forward_DropsAboutRateOfElements_AndScalesKeptOnes(float rate)
    {
        // 4000 rows of 25 features = 100,000 draws; the dropped count is binomial(n, rate): allow 5 sigma.
        const int rows = 4000, width = 25, stride = 32;
        float[] x = Input(rows, stride, width, seed: 1), mask = NaNs(rows * stride), y = NaNs(rows * stride);
        var random = new SeededRandom(123);
        DropoutKernels.Forward(x, rows, stride, width, rate, ref random, mask, y);

        float scale = 1f / (1f - rate);
        int dropped = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                int at = r * stride + j;
                if (mask[at] == 0f)
                {
                    dropped++;
                    y[at].ShouldBe(0f);
                }
                else
                {
                    mask[at].ShouldBe(scale);
                    y[at].ShouldBe(x[at] * scale);
                }
            }

            for (int j = width; j < stride; j++)
            {
                mask[r * stride + j].ShouldBe(0f, "mask padding");
                y[r * stride + j].ShouldBe(0f, "y padding");
            }
        }

        double n = rows * width, expected = n * rate, sigma = Math.Sqrt(n * rate * (1 - rate));
        Math.Abs(dropped - expected).ShouldBeLessThanOrEqualTo(5 * sigma, $"dropped {dropped} of {n} at rate {rate}");
    }

    [Fact]
    public void Forward_KeepsElementWhenItsDrawIsAtLeastRate_InRowMajorOrder_AndAdvancesByOneDrawPerElement()
    {
        const int rows = 5, width = 9, stride = 16;
        const float rate = 0.3f;
        float[] x = Input(rows, stride, width, seed: 2), mask = new float[rows * stride], y = new float[rows * stride];
        var random = new SeededRandom(99);
        var twin = new SeededRandom(99);
        DropoutKernels.Forward(x, rows, stride, width, rate, ref random, mask, y);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                bool kept = twin.NextSingle() >= rate;
                (mask[r * stride + j] != 0f).ShouldBe(kept, $"element [{r}, {j}]");
            }
        }

        random.NextUInt32().ShouldBe(twin.NextUInt32(), "the generator advanced by exactly rows * width draws");
    }

    [Fact]
    public void Forward_IsDeterministicForASeed()
    {
        const int rows = 32, width = 17, stride = 32;
        float[] x = Input(rows, stride, width, seed: 3);
        float[] mask1 = new float[rows * stride], y1 = new float[rows * stride];
        float[] mask2 = new float[rows * stride], y2 = new float[rows * stride];
        float[] mask3 = new float[rows * stride], y3 = new float[rows * stride];
        var a = new SeededRandom(5);
        var b = new SeededRandom(5);
        var c = new SeededRandom(6);
        DropoutKernels.Forward(x, rows, stride, width, 0.5f, ref a, mask1, y1);
        DropoutKernels.Forward(x, rows, stride, width, 0.5f, ref b, mask2, y2);
        DropoutKernels.Forward(x, rows, stride, width, 0.5f, ref c, mask3, y3);
        mask2.ShouldBe(mask1);
        y2.ShouldBe(y1);
        mask3.ShouldNotBe(mask1, "a different seed gives a different mask");
    }

    [Fact]
    public void Forward_RateZero_IsIdentity_AndDrawsNothing()
    {
        const int rows = 5, width = 7, stride = 16;
        float[] x = Input(rows, stride, width, seed: 4), mask = NaNs(rows * stride), y = NaNs(rows * stride);
        var random = new SeededRandom(8);
        var twin = new SeededRandom(8);
        DropoutKernels.Forward(x, rows, stride, width, 0f, ref random, mask, y);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < stride; j++)
            {
                int at = r * stride + j;
                mask[at].ShouldBe(j < width ? 1f : 0f);
                y[at].ShouldBe(j < width ? x[at] : 0f);
            }
        }

        random.NextUInt32().ShouldBe(twin.NextUInt32(), "rate 0 draws nothing");
    }

    [Fact]
    public void Forward_InPlace_GivesSameOutput()
    {
        const int rows = 5, width = 17, stride = 32;
        float[] x = Input(rows, stride, width, seed: 5), mask = new float[rows * stride], y = new float[rows * stride];
        var a = new SeededRandom(1);
        var b = new SeededRandom(1);
        DropoutKernels.Forward(x, rows, stride, width, 0.4f, ref a, mask, y);
        float[] inPlace = (float[])x.Clone();
        DropoutKernels.Forward(inPlace, rows, stride, width, 0.4f, ref b, mask, inPlace);
        inPlace.ShouldBe(y);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(160)]
    public void Backward_MultipliesByMask_AndGivesZeroWhereMaskIsZero(int length)
    {
        var random = new Random(length);
        float[] dy = new float[length], mask = new float[length], dx = NaNs(length);
        for (int i = 0; i < length; i++)
        {
            mask[i] = i % 3 == 0 ? 0f : 2.5f;
            dy[i] = i % 3 == 0 && i % 2 == 0 ? float.NaN : (float)(random.NextDouble() * 2 - 1);
        }

        DropoutKernels.Backward(dy, mask, dx);
        for (int i = 0; i < length; i++)
        {
            dx[i].ShouldBe(mask[i] == 0f ? 0f : dy[i] * mask[i], $"dx[{i}]");
        }

        DropoutKernels.Backward(dy, mask, dy);
        dy.ShouldBe(dx, "in place");
    }

    [Fact]
    public void Validation_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Forward(rate: -0.1f)).ParamName.ShouldBe("rate");
        Should.Throw<ArgumentOutOfRangeException>(() => Forward(rate: 1f)).ParamName.ShouldBe("rate");
        Should.Throw<ArgumentOutOfRangeException>(() => Forward(rate: float.NaN)).ParamName.ShouldBe("rate");
        Should.Throw<ArgumentOutOfRangeException>(() => Forward(rows: 0)).ParamName.ShouldBe("rows");
        Should.Throw<ArgumentOutOfRangeException>(() => Forward(width: 0)).ParamName.ShouldBe("width");
        Should.Throw<ArgumentOutOfRangeException>(() => Forward(width: 17)).ParamName.ShouldBe("stride");
        ArgumentException shortMask = Should.Throw<ArgumentException>(() => Forward(maskLength: 31));
        shortMask.ParamName.ShouldBe("mask");
        shortMask.Message.ShouldContain("31");
        shortMask.Message.ShouldContain("32");
        Should.Throw<ArgumentException>(() => DropoutKernels.Backward(new float[16], new float[15], new float[16])).ParamName.ShouldBe("mask");
        Should.Throw<ArgumentException>(() => DropoutKernels.Backward(new float[16], new float[16], new float[17])).ParamName.ShouldBe("dx");
    }

    private static void Forward(float rate = 0.5f, int rows = 2, int width = 3, int maskLength = 32)
    {
        var random = new SeededRandom(1);
        DropoutKernels.Forward(new float[32], rows, 16, width, rate, ref random, new float[maskLength], new float[32]);
    }

    [Fact]
    public void Kernels_DoNotAllocate()
    {
        const int rows = 32, width = 33, stride = 48;
        float[] x = Input(rows, stride, width, seed: 6), mask = new float[rows * stride], y = new float[rows * stride], dx = new float[rows * stride];
        var random = new SeededRandom(3);
        var holder = new SeededRandom[] { random };
        AllocationAssert.NoneAfterWarmUp(() =>
        {
            DropoutKernels.Forward(x, rows, stride, width, 0.25f, ref holder[0], mask, y);
            DropoutKernels.Forward(x, rows, stride, width, 0f, ref holder[0], mask, y);
            DropoutKernels.Backward(y, mask, dx);
        });
    }
}
