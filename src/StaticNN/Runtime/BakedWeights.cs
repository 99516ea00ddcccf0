using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace StaticNN.Runtime;

/// <summary>Decodes the weights that <c>[Network(Weights = "...")]</c> bakes into the assembly (used by generated <c>CreatePretrained()</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BakedWeights
{
    /// <summary>
    /// Decodes <paramref name="base64"/> (little-endian float32 values in base64, line breaks allowed) into
    /// <paramref name="destination"/>, which it must fill exactly. Allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The data is not valid base64 or does not have the destination's length (the generated file was edited).</exception>
    public static void Decode(ReadOnlySpan<byte> base64, Span<float> destination)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        OperationStatus status = Base64.DecodeFromUtf8(base64, bytes, out int consumed, out int written);
        if (status != OperationStatus.Done || consumed != base64.Length || written != bytes.Length)
        {
            throw new InvalidOperationException(
                $"Baked weights are corrupt: {written} bytes decoded ({status}) for a slice of {bytes.Length} bytes. The generated *.Pretrained.g.cs file must not be edited; rebuild the project.");
        }
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }
}
