using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNN.Runtime;

/// <summary>
/// Aligns stack scratch for generated kernels. <c>stackalloc</c> is only 16-byte aligned, so a 64-byte vector store
/// followed by loads of the same row can straddle cache lines and miss store forwarding (measured: a 4-10-3 network's
/// Predict took 26 or 46 ns depending on where its caller's stack happened to be). Generated code allocates 15 floats
/// more and keeps the 64-byte-aligned part; stack memory does not move, so the alignment holds for the whole call.
/// </summary>
public static class StackScratch
{
    /// <summary>The first <paramref name="length"/> floats of <paramref name="buffer"/> that start on a 64-byte boundary.</summary>
    /// <param name="buffer">Stack memory of at least <paramref name="length"/> + 15 floats.</param>
    /// <param name="length">Floats needed.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Span<float> Align64(Span<float> buffer, int length)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
        int offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
        return buffer.Slice(offset, length);
    }
}
