using System;
using System.Runtime.InteropServices;

namespace StaticNN.Generator.Weights;

/// <summary>float32 values and their little-endian bytes (safetensors data, baked literals), on any host.</summary>
internal static class LittleEndian
{
    /// <summary>The <paramref name="count"/> floats stored from <paramref name="offset"/> in <paramref name="bytes"/>.</summary>
    public static float[] ToFloats(byte[] bytes, int offset, int count)
    {
        var values = new float[count];
        Buffer.BlockCopy(bytes, offset, values, 0, count * sizeof(float));
        SwapOnBigEndianHost(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>The bytes of <paramref name="values"/>, four per value, least significant first.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> values)
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        SwapOnBigEndianHost(bytes);
        return bytes;
    }

    private static void SwapOnBigEndianHost(Span<byte> bytes)
    {
        if (BitConverter.IsLittleEndian)
        {
            return;
        }
        for (int i = 0; i + 3 < bytes.Length; i += 4)
        {
            (bytes[i], bytes[i + 3]) = (bytes[i + 3], bytes[i]);
            (bytes[i + 1], bytes[i + 2]) = (bytes[i + 2], bytes[i + 1]);
        }
    }
}
