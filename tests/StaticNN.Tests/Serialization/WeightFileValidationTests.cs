using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNN.Serialization;
using static StaticNN.Tests.Serialization.SafeTensorsBytes;

namespace StaticNN.Tests.Serialization;

/// <summary>
/// Every rule of the reader and of the network binding: each violation throws <see cref="WeightFileException"/> naming
/// the file and the problem, and leaves the network unchanged.
/// </summary>
public sealed class WeightFileValidationTests
{
    /// <summary>Loads <paramref name="file"/> from disk and from memory; both must fail with the same reason and leave the network as it was.</summary>
    private static WeightFileException Rejected(byte[] file, params string[] fragments)
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.safetensors");
        File.WriteAllBytes(path, file);
        var network = new WeightFileIrisNet(seed: 21);
        float[] before = network.Parameters.ToArray();

        WeightFileException fromFile = Should.Throw<WeightFileException>(() => network.Load(path));
        fromFile.FilePath.ShouldBe(path);
        fromFile.Message.ShouldStartWith($"Cannot load weight file '{path}': ");
        fromFile.Message.ShouldEndWith(fromFile.Reason);
        foreach (string fragment in fragments)
        {
            fromFile.Reason.ShouldContain(fragment, Case.Sensitive);
        }
        network.Parameters.ToArray().ShouldBe(before);

        WeightFileException fromStream = Should.Throw<WeightFileException>(() => network.Load(new MemoryStream(file)));
        fromStream.Reason.ShouldBe(fromFile.Reason);
        fromStream.FilePath.ShouldBeNull();
        network.Parameters.ToArray().ShouldBe(before);

        WeightFileException fromForwardOnly = Should.Throw<WeightFileException>(() => network.Load(new ForwardOnlyStream(file)));
        fromForwardOnly.Reason.ShouldBe(fromFile.Reason);
        network.Parameters.ToArray().ShouldBe(before);
        return fromFile;
    }

    /// <summary>The valid Iris file with entry <paramref name="index"/> replaced (null removes it).</summary>
    private static byte[] IrisWith(int index, string? entry, byte[]? data = null)
    {
        (string[] entries, byte[] irisData) = IrisParts();
        List<string> list = [.. entries];
        if (entry is null)
        {
            list.RemoveAt(index);
        }
        else
        {
            list[index] = entry;
        }
        return FromParts(list, data ?? irisData);
    }

    [Fact]
    public void TheUnmodifiedFile_Loads()
    {
        (string[] entries, byte[] data) = IrisParts();
        var network = new WeightFileIrisNet(seed: 21);
        network.Load(new MemoryStream(FromParts(entries, data)));
        var weight = new float[30];
        var bias = new float[3];
        network.GetLayerParameters(1, weight, bias);
        bias.ShouldBe([0f, 0.25f, 0.5f]);
        weight[13].ShouldBe(0.5f + 0.01f + 0.003f);
    }

    [Fact]
    public void WrongName_IsReportedAsMissingAndListsWhatTheFileHas()
    {
        Rejected(IrisWith(3, Entry("layers.1.weights", "F32", "[3,10]", 212, 332)),
            "tensor layers.1.weight (WeightFileIrisNet layer 1: Dense 10 -> 3, weight, shape [3, 10]) is missing",
            "the file has layers.0.bias, layers.0.weight, layers.1.bias, layers.1.weights");
    }

    [Fact]
    public void WrongShape_NamesTheTensorAndBothShapes()
    {
        (_, byte[] data) = IrisParts();
        byte[] longer = Concat(data, F32(new float[6])); // [3, 12] needs 144 bytes instead of 120
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[3,12]", 212, 356), longer),
            "layers.1.weight has shape [3, 12] in the file but the network expects [3, 10]");
        Rejected(IrisWith(0, Entry("layers.0.bias", "F32", "[1,10]", 0, 40)),
            "layers.0.bias has shape [1, 10] in the file but the network expects [10]");
    }

    [Fact]
    public void WrongDtype_F16_IsReported()
    {
        // A well-formed F16 tensor: [10, 4] of 2 bytes each, 80 bytes.
        (_, byte[] data) = IrisParts();
        byte[] f16 = Concat(data[..40], new byte[80], data[200..]);
        string[] entries =
        [
            Entry("layers.0.bias", "F32", "[10]", 0, 40),
            Entry("layers.0.weight", "F16", "[10,4]", 40, 120),
            Entry("layers.1.bias", "F32", "[3]", 120, 132),
            Entry("layers.1.weight", "F32", "[3,10]", 132, 252),
        ];
        Rejected(FromParts(entries, f16), "layers.0.weight has dtype F16 in the file but the network expects F32");
    }

    [Fact]
    public void MissingTensor_IsReported()
    {
        (string[] entries, byte[] data) = IrisParts();
        // Drop layers.1.bias and its 12 bytes; layers.1.weight moves up.
        byte[] file = FromParts([entries[0], entries[1], Entry("layers.1.weight", "F32", "[3,10]", 200, 320)], Concat(data[..200], data[212..]));
        Rejected(file, "tensor layers.1.bias (WeightFileIrisNet layer 1: Dense 10 -> 3, bias, shape [3]) is missing");
    }

    [Fact]
    public void ExtraTensor_IsNamed()
    {
        (string[] entries, byte[] data) = IrisParts();
        byte[] file = FromParts([.. entries, Entry("layers.1.running_mean", "F32", "[3]", 332, 344)], Concat(data, F32(1f, 2f, 3f)));
        Rejected(file, "the file has a tensor that WeightFileIrisNet does not: layers.1.running_mean");
        byte[] three = FromParts([.. entries, Entry("x", "F32", "[1]", 332, 336), Entry("y", "I8", "[2]", 336, 338)], Concat(data, new byte[6]));
        Rejected(three, "the file has tensors that WeightFileIrisNet does not: x, y");
    }

    [Fact]
    public void BiasForALayerWithoutBias_IsReported()
    {
        var file = new SafeTensorsFile();
        file.Add(new SafeTensor("layers.0.weight", [7, 5], new float[35]));
        file.Add(new SafeTensor("layers.0.bias", [7], new float[7]));
        file.Add(new SafeTensor("layers.1.weight", [2, 7], new float[14]));
        file.Add(new SafeTensor("layers.1.bias", [2], new float[2]));
        var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;
        var network = new WeightFileMixedBiasNet(seed: 3);
        float[] before = network.Parameters.ToArray();
        Should.Throw<WeightFileException>(() => network.Load(stream)).Reason
            .ShouldBe("the file has layers.0.bias, but WeightFileMixedBiasNet layer 0: Dense 5 -> 7 has no bias (UseBias = false)");
        network.Parameters.ToArray().ShouldBe(before);
    }

    [Fact]
    public void SequentialNames_WithTheWrongNumberOfLinears_AreReported()
    {
        byte[] file = FromParts(
            [Entry("0.bias", "F32", "[10]", 0, 40), Entry("0.weight", "F32", "[10,4]", 40, 200)],
            new byte[200]);
        Rejected(file, "the file has PyTorch nn.Sequential names with 1 module(s) with weights (0.weight), but WeightFileIrisNet has 2 layer(s) with parameters");
    }

    [Fact]
    public void HeaderLengthBeyondTheFile_IsReported()
    {
        byte[] file = FromParts(IrisParts().Entries, IrisParts().Data);
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)file.Length);
        Rejected(file, $"the header length {file.Length} is larger than the {file.Length - 8} bytes that follow it");
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        Rejected(file, $"the header length {ulong.MaxValue} is larger than");
        Rejected([1, 2, 3], "the file has 3 bytes, but a safetensors file starts with an 8-byte header length");
        Rejected([], "the file has 0 bytes");
    }

    [Fact]
    public void HeaderLengthAboveTheCap_IsRejectedBeforeReadingIt()
    {
        // A 300 MB "file" whose header claims 200 MB: refused by the 100 MB cap without allocating or reading it.
        var stream = new HugeZeroStream(300_000_000, 200_000_000);
        var network = new WeightFileIrisNet(seed: 1);
        Should.Throw<WeightFileException>(() => network.Load(stream)).Reason
            .ShouldBe("the header length 200000000 exceeds the limit of 100000000 bytes");
        stream.BytesRead.ShouldBe(8);
    }

    [Fact]
    public void InvalidJson_IsReported()
    {
        Rejected(Make("{\"layers.0.bias\":{\"dtype\":\"F32\",,}}", IrisParts().Data), "the header is not valid JSON");
        Rejected(Make("{\"__metadata__\":{}} {}", []), "the header is not valid JSON");
        Rejected(Make("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}", []), "the header is not valid JSON");
        Rejected(Make("[1, 2]", []), "the header does not start with '{' (first byte 0x5B)");
        Rejected(Make("{}", [], pad: false)[..9], "the header length 2 is larger than the 1 bytes that follow it");
        Rejected(Concat(LengthPrefix(8), [(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}', (byte)' ']),
            "the header is not valid UTF-8");
        Rejected(Make("{\"\\uD800\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", []), "the header has an invalid string");
        Rejected(Make("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}\0\0", []), "the header is not valid JSON");
    }

    [Fact]
    public void EntriesOfTheWrongJsonTypes_AreReported()
    {
        Rejected(Make("{\"t\":[1]}", []), "tensor 't' is an array, not an object with dtype, shape and data_offsets");
        Rejected(Make("{\"t\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "the dtype of tensor 't' is a number, not a string");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":\"[1]\",\"data_offsets\":[0,4]}}", new byte[4]), "the shape of tensor 't' is a string, not an array of integers");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]), "the shape of tensor 't' contains 1.5, which is not an integer");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "the shape of tensor 't' contains -1, which is not an integer");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}", new byte[4]), "the shape of tensor 't' contains an array");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[4]), "the data_offsets of tensor 't' have more than 2 values instead of [begin, end]");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}}", new byte[4]), "contains 18446744073709551616, which is not an integer");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "tensor 't' has no \"data_offsets\"");
        Rejected(Make("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 't' has no \"dtype\"");
        Rejected(Make("{\"t\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 't' has two \"dtype\" fields");
        Rejected(Make("{\"t\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 't' has unknown dtype 'F33'");
        Rejected(Make("{\"t\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", new byte[2]), "tensor 't' of shape [3] has 3 elements of 4 bits, which is not a whole number of bytes");
        Rejected(Make("{\"__metadata__\":{\"a\":1}}", []), "metadata value 'a' is a number, not a string");
        Rejected(Make("{\"__metadata__\":[]}", []), "\"__metadata__\" is an array, not an object of strings");
        Rejected(Make("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", []), "metadata key 'a' appears twice");
        Rejected(Make("{\"__metadata__\":{},\"__metadata__\":{}}", []), "the header has two \"__metadata__\" entries");
    }

    [Fact]
    public void OffsetsOutOfRange_AreReported()
    {
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[3,10]", 213, 333)),
            "tensor 'layers.1.weight' has data_offsets [213, 333] beyond the end of the data section (332 bytes)");
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[3,10]", 332, 212)), "tensor 'layers.1.weight' has data_offsets [332, 212] that end before they begin");
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[3,10]", 212, 330)),
            "tensor 'layers.1.weight' of dtype F32 and shape [3, 10] needs 120 bytes, but its data_offsets [212, 330] span 118");
        (_, byte[] data) = IrisParts();
        Rejected(FromParts(IrisParts().Entries, Concat(data, [0, 0, 0, 0])),
            "the data section has 336 bytes but the tensors cover only the first 332");
    }

    [Fact]
    public void OverlappingOffsets_AreReported()
    {
        (string[] entries, byte[] data) = IrisParts();
        // layers.1.bias (12 bytes) placed inside layers.0.bias, and the file shortened by the 12 bytes it no longer uses.
        string[] overlapping =
        [
            entries[0],
            Entry("layers.0.weight", "F32", "[10,4]", 40, 200),
            Entry("layers.1.bias", "F32", "[3]", 28, 40),
            Entry("layers.1.weight", "F32", "[3,10]", 200, 320),
        ];
        Rejected(FromParts(overlapping, data[..320]), "tensors 'layers.0.bias' [0, 40] and 'layers.1.bias' [28, 40] overlap");
        string[] gap = [entries[0], Entry("layers.0.weight", "F32", "[10,4]", 44, 204), Entry("layers.1.bias", "F32", "[3]", 204, 216), Entry("layers.1.weight", "F32", "[3,10]", 216, 336)];
        Rejected(FromParts(gap, Concat(data, new byte[4])), "bytes 40 to 44 of the data section belong to no tensor (the next tensor is 'layers.0.weight')");
    }

    [Fact]
    public void DuplicateNames_AreReported()
    {
        (string[] entries, byte[] data) = IrisParts();
        byte[] file = FromParts([.. entries, Entry("layers.0.bias", "F32", "[10]", 332, 372)], Concat(data, new byte[40]));
        Rejected(file, "the header declares tensor 'layers.0.bias' twice");
        // Names are compared after JSON unescaping.
        byte[] escaped = FromParts([.. entries, Entry("layers.0.\\u0062ias", "F32", "[10]", 332, 372)], Concat(data, new byte[40]));
        Rejected(escaped, "the header declares tensor 'layers.0.bias' twice");
    }

    [Fact]
    public void HugeDeclaredSizes_AreRejectedWithoutAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[1000000000,1000000000]", 212, 332)),
            "tensor 'layers.1.weight' of dtype F32 and shape [1000000000, 1000000000] needs 4000000000000000000 bytes, but its data_offsets [212, 332] span 120");
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[10000000000,10000000000]", 212, 332)),
            "tensor 'layers.1.weight' of shape [10000000000, 10000000000] has more elements than fit in 64 bits");
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[4611686018427387904]", 212, 332)),
            "tensor 'layers.1.weight' of shape [4611686018427387904] has more bytes than fit in 64 bits");
        Rejected(IrisWith(3, Entry("layers.1.weight", "F32", "[1000000000,1000000000]", 212, 4000000000000000212)),
            "has data_offsets [212, 4000000000000000212] beyond the end of the data section (332 bytes)");
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(10_000_000);
    }

    [Fact]
    public void GenericReader_AppliesTheSameRules()
    {
        byte[] file = IrisWith(3, Entry("layers.1.weight", "F32", "[3,10]", 213, 333));
        Should.Throw<WeightFileException>(() => SafeTensorsFile.Read(new MemoryStream(file))).Reason
            .ShouldContain("beyond the end of the data section");
        using var folder = new TempFolder();
        string path = folder.File("x.safetensors");
        File.WriteAllBytes(path, file);
        Should.Throw<WeightFileException>(() => SafeTensorsFile.Read(path)).Message.ShouldContain(path);
    }

    private static byte[] LengthPrefix(ulong length)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return bytes;
    }

    /// <summary>A seekable stream of <paramref name="length"/> bytes: an 8-byte header length, then zeros.</summary>
    private sealed class HugeZeroStream(long length, ulong headerLength) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - Position);
            for (int i = 0; i < n; i++)
            {
                long p = Position + i;
                buffer[offset + i] = p < 8 ? (byte)(headerLength >> (int)(8 * p)) : (byte)0;
            }
            Position += n;
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
