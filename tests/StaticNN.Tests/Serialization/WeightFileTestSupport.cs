using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace StaticNN.Tests.Serialization;

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class WeightFileIrisNet;

/// <summary>First layer without bias, second with: the file must omit exactly layers.0.bias.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(7, Activation.Tanh, UseBias = false)]
[Dense(2)]
public sealed partial class WeightFileMixedBiasNet;

/// <summary>Three layers, for nn.Sequential names with gaps (Dropout and activations take indices too).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(5, Activation.ReLU)]
[Dense(4, Activation.Tanh)]
[Dense(2)]
public sealed partial class WeightFileThreeLayerNet;

/// <summary>Builds safetensors files byte by byte, the way the reference writer lays them out.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>8-byte little-endian header length, the header padded with spaces to a multiple of 8, then the data.</summary>
    public static byte[] Make(string json, byte[] data, bool pad = true)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        int length = pad ? (header.Length + 7) / 8 * 8 : header.Length;
        var file = new byte[8 + length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)length);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, length - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + length);
        return file;
    }

    /// <summary>Floats as little-endian bytes.</summary>
    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>The canonical header entry of one tensor.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>
    /// A valid file for <see cref="WeightFileIrisNet"/> with every value distinct: weight0[o, i] = o + i / 10,
    /// bias0[o] = -o, weight1[o, i] = 0.5 + o * 0.01 + i * 0.001 (small, so softmax stays finite), bias1[o] = o / 4.
    /// The entries are given explicitly so tests can rewrite one of them.
    /// </summary>
    public static (string[] Entries, byte[] Data) IrisParts()
    {
        float[] bias0 = Enumerable.Range(0, 10).Select(o => (float)-o).ToArray();
        float[] weight0 = Enumerable.Range(0, 40).Select(k => k / 4 + (k % 4) / 10f).ToArray();
        float[] bias1 = Enumerable.Range(0, 3).Select(o => o / 4f).ToArray();
        float[] weight1 = Enumerable.Range(0, 30).Select(k => 0.5f + k / 10 * 0.01f + k % 10 * 0.001f).ToArray();
        string[] entries =
        [
            Entry("layers.0.bias", "F32", "[10]", 0, 40),
            Entry("layers.0.weight", "F32", "[10,4]", 40, 200),
            Entry("layers.1.bias", "F32", "[3]", 200, 212),
            Entry("layers.1.weight", "F32", "[3,10]", 212, 332),
        ];
        return (entries, Concat(F32(bias0), F32(weight0), F32(bias1), F32(weight1)));
    }

    public static byte[] FromParts(IEnumerable<string> entries, byte[] data) => Make("{" + string.Join(",", entries) + "}", data);
}

/// <summary>A temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "staticnn-weights-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A read-only, non-seekable view of a byte array (like a network stream).</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        // Short reads on purpose: callers must loop.
        int n = Math.Min(Math.Min(count, 7), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
