using System;
using StaticNN.Runtime;

namespace StaticNN.Tests.Layers;

public sealed class StackScratchTests
{
    [Fact]
    public void Align64_ReturnsA64ByteAlignedSliceOfTheRequestedLengthInsideTheBuffer()
    {
        Span<float> raw = stackalloc float[16 + 15 + 16];
        for (int shift = 0; shift < 16; shift++)
        {
            Span<float> buffer = raw.Slice(shift, 16 + 15);  // every starting alignment
            Span<float> aligned = StackScratch.Align64(buffer, 16);
            aligned.Length.ShouldBe(16);
            unsafe
            {
                fixed (float* p = aligned)
                fixed (float* start = buffer)
                {
                    ((nuint)p % 64).ShouldBe((nuint)0);
                    (p - start).ShouldBeInRange(0, 15);
                }
            }
        }
    }
}
