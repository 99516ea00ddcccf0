using System;

namespace StaticNN.Serialization;

/// <summary>The element types the safetensors format defines, with their width and the reference writer's sort rank.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>32-bit IEEE float, the only type networks load and save.</summary>
    public const string F32 = "F32";

    // In the reference implementation's Dtype enum order ("increasing alignment order"); its writer lays tensors out by
    // descending rank, then by name.
    private static readonly (string Name, int Bits)[] Known =
    [
        ("BOOL", 8), ("F4", 4), ("F6_E2M3", 6), ("F6_E3M2", 6), ("U8", 8), ("I8", 8), ("F8_E5M2", 8), ("F8_E4M3", 8),
        ("F8_E8M0", 8), ("F8_E4M3FNUZ", 8), ("F8_E5M2FNUZ", 8), ("I16", 16), ("U16", 16), ("F16", 16), ("BF16", 16),
        ("I32", 32), ("U32", 32), ("F32", 32), ("C64", 64), ("F64", 64), ("I64", 64), ("U64", 64),
    ];

    /// <summary>The canonical name of the dtype the reader's current string names, without allocating; null when unknown.</summary>
    public static string? Match(ref System.Text.Json.Utf8JsonReader reader)
    {
        for (int i = 0; i < Known.Length; i++)
        {
            if (reader.ValueTextEquals(Known[i].Name))
            {
                return Known[i].Name;
            }
        }
        return null;
    }

    /// <summary>Finds a dtype by its exact (case-sensitive) name.</summary>
    public static bool TryGet(string name, out int bits, out int rank)
    {
        for (int i = 0; i < Known.Length; i++)
        {
            if (string.Equals(Known[i].Name, name, StringComparison.Ordinal))
            {
                bits = Known[i].Bits;
                rank = i;
                return true;
            }
        }
        bits = 0;
        rank = -1;
        return false;
    }

    /// <summary>
    /// Computes the element count and byte length of a tensor with overflow-checked 64-bit arithmetic. Returns null, or
    /// the reason the shape is impossible (overflow, or a sub-byte type that does not fill whole bytes).
    /// </summary>
    public static string? TryGetByteLength(ReadOnlySpan<long> shape, int bits, out long elements, out long bytes)
    {
        elements = 1;
        bytes = 0;
        foreach (long dimension in shape)
        {
            if (dimension != 0 && elements > long.MaxValue / dimension)
            {
                return "has more elements than fit in 64 bits";
            }
            elements *= dimension;
        }
        if (bits % 8 == 0)
        {
            int width = bits / 8;
            if (elements > long.MaxValue / width)
            {
                return "has more bytes than fit in 64 bits";
            }
            bytes = elements * width;
            return null;
        }
        // Sub-byte types (F4, F6): the bits must fill whole bytes.
        if (elements > long.MaxValue / bits)
        {
            return "has more bits than fit in 64 bits";
        }
        long totalBits = elements * bits;
        if (totalBits % 8 != 0)
        {
            return $"has {elements} elements of {bits} bits, which is not a whole number of bytes";
        }
        bytes = totalBits / 8;
        return null;
    }
}
