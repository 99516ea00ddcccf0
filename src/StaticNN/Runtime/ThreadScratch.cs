using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNN.Runtime;

/// <summary>
/// Inference scratch for networks whose activations do not fit comfortably on the stack (more than
/// <see cref="StackLimitFloats"/> floats per Predict call): one 64-byte-aligned buffer per thread, allocated the first
/// time a thread needs it (or needs more) and reused by every later call. Predict stays thread-safe (each thread has its
/// own buffer) and allocation-free in steady state; it must not be re-entered on the same thread, which generated code
/// never does (it calls no user code).
/// </summary>
public static class ThreadScratch
{
    /// <summary>Networks whose Predict scratch is above this many floats (256 KiB) use this buffer instead of the stack.</summary>
    public const int StackLimitFloats = 65_536;

    [ThreadStatic]
    private static float[]? t_buffer;

    /// <summary>This thread's scratch, at least <paramref name="length"/> floats, 64-byte aligned; the contents are not cleared.</summary>
    /// <param name="length">Floats needed.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Span<float> Rent(int length)
    {
        float[]? buffer = t_buffer;
        if (buffer is null || buffer.Length - 15 < length)
        {
            buffer = Grow(length);
        }
        // Pinned (allocated on the pinned object heap), so the alignment computed here holds for the whole call.
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        nuint offset = ((0 - address) & 63) >> 2;
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), offset), length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] Grow(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return t_buffer = GC.AllocateUninitializedArray<float>(length + 15, pinned: true);
    }
}
