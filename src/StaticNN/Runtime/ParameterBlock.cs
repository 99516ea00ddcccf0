using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNN.Runtime;

/// <summary>
/// A fixed-length float block whose first element is 64-byte aligned (one cache line, one zmm register), used for a
/// network's parameters and for optimizer state. The memory is a pinned array, so the alignment never changes.
/// </summary>
public sealed class ParameterBlock
{
    private const int AlignmentFloats = 16;
    private readonly float[] _array;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="length"/> zeroed floats, 64-byte aligned.</summary>
    public ParameterBlock(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = GC.AllocateArray<float>(length + AlignmentFloats - 1, pinned: true);
        _offset = OffsetToAlignment(_array);
        Length = length;
    }

    /// <summary>Number of floats.</summary>
    public int Length { get; }

    /// <summary>The block as a span.</summary>
    public Span<float> Span => new(_array, _offset, Length);

    /// <summary>Reference to the first (aligned) element, for kernels.</summary>
    public ref float Reference => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset);

    private static unsafe int OffsetToAlignment(float[] pinned)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        nuint misalignment = address % (AlignmentFloats * sizeof(float));
        return misalignment == 0 ? 0 : (int)((AlignmentFloats * sizeof(float) - misalignment) / sizeof(float));
    }
}
