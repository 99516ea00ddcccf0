using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

namespace StaticNN.Serialization;

/// <summary>
/// One named tensor of a <see cref="SafeTensorsFile"/>: its dtype (by its safetensors name, such as <c>F32</c> or
/// <c>F16</c>), its shape (row-major, "C" order) and its raw little-endian bytes.
/// </summary>
public sealed class SafeTensor
{
    private readonly long[] _shape;
    private readonly byte[] _data;
    private ReadOnlyCollection<long>? _shapeView;

    /// <summary>Creates a float32 (<c>F32</c>) tensor from <paramref name="values"/>, copied.</summary>
    /// <param name="name">The tensor's name, such as <c>layers.0.weight</c>.</param>
    /// <param name="shape">The dimensions, each 0 or more; their product must equal the number of values.</param>
    /// <param name="values">The values in row-major order.</param>
    /// <exception cref="ArgumentException">The name is <c>__metadata__</c> or not valid UTF-16, a dimension is negative, or the shape does not hold <paramref name="values"/>.Length values.</exception>
    public SafeTensor(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values)
        : this(name, SafeTensorsDTypes.F32, shape, ToLittleEndianBytes(values))
    {
    }

    /// <summary>Creates a tensor of any dtype the format defines from its raw little-endian bytes, copied.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dtype">The safetensors dtype name: BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64, C64, the F8 variants, F6_E2M3, F6_E3M2 or F4.</param>
    /// <param name="shape">The dimensions, each 0 or more.</param>
    /// <param name="data">The raw bytes: exactly the element count times the dtype's width.</param>
    /// <exception cref="ArgumentException">The name, dtype, shape or data length is not valid.</exception>
    public SafeTensor(string name, string dtype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
        : this(name, dtype, shape, data.ToArray())
    {
    }

    private SafeTensor(string name, string dtype, ReadOnlySpan<long> shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dtype);
        if (name == SafeTensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for the file's metadata.", nameof(name));
        }
        if (!SafeTensorsIO.IsValidUtf16(name))
        {
            throw new ArgumentException("The name contains an unpaired surrogate.", nameof(name));
        }
        if (!SafeTensorsDTypes.TryGet(dtype, out int bits, out _))
        {
            throw new ArgumentException($"'{dtype}' is not a safetensors dtype.", nameof(dtype));
        }
        foreach (long dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
        }
        if (SafeTensorsDTypes.TryGetByteLength(shape, bits, out long elements, out long bytes) is string problem)
        {
            throw new ArgumentException($"A {dtype} tensor of shape {SafeTensorsHeader.FormatShape(shape.ToArray())} {problem}.", nameof(shape));
        }
        if (bytes != data.Length)
        {
            throw new ArgumentException(
                $"A {dtype} tensor of shape {SafeTensorsHeader.FormatShape(shape.ToArray())} has {elements} elements ({bytes} bytes), but {data.Length} bytes were given.",
                nameof(data));
        }
        Name = name;
        DType = dtype;
        _shape = shape.ToArray();
        _data = data;
        ElementCount = elements;
    }

    /// <summary>For a validated file: the arrays are taken as they are (one object per tensor, nothing copied).</summary>
    private SafeTensor(string name, string dtype, long[] shape, long elements, byte[] data)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        _data = data;
        ElementCount = elements;
    }

    /// <summary>The tensor's name (its key in the file's header).</summary>
    public string Name { get; }

    /// <summary>The element type, by its safetensors name (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>...).</summary>
    public string DType { get; }

    /// <summary>The dimensions, outermost first (a PyTorch <c>nn.Linear</c> weight is [out_features, in_features]).</summary>
    public IReadOnlyList<long> Shape => _shapeView ??= new ReadOnlyCollection<long>(_shape);

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar of shape []).</summary>
    public long ElementCount { get; }

    /// <summary>The raw data, little-endian, row-major.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The values of an <c>F32</c> tensor, in row-major order.</summary>
    /// <exception cref="InvalidOperationException">The tensor's dtype is not F32.</exception>
    public float[] ToSingleArray()
    {
        if (DType != SafeTensorsDTypes.F32)
        {
            throw new InvalidOperationException($"Tensor '{Name}' has dtype {DType}; only F32 tensors convert to float.");
        }
        var values = new float[_data.Length / sizeof(float)];
        _data.AsSpan().CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
        return values;
    }

    internal byte[] RawData => _data;

    internal long[] RawShape => _shape;

    /// <summary>Wraps bytes read from a validated file without copying them.</summary>
    internal static SafeTensor FromValidated(string name, string dtype, long[] shape, long elements, byte[] data) => new(name, dtype, shape, elements, data);

    private static byte[] ToLittleEndianBytes(ReadOnlySpan<float> values)
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
        return bytes;
    }
}
