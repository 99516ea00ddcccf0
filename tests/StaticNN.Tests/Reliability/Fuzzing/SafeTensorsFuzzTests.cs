using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability.Fuzzing;

/// <summary>
/// Mutated safetensors files: loading into a network either succeeds or throws <see cref="WeightFileException"/>
/// and leaves the network exactly as it was; <see cref="SafeTensorsFile.Read(Stream)"/> returns a file or throws
/// <see cref="WeightFileException"/>; both allocate at most 12 bytes per byte plus 1 MB (16 from a non-seekable stream,
/// which is copied first). A failure's reason is short (names and values are quoted clipped), a load that succeeds
/// gives the network exactly the values <see cref="SafeTensorsFile.Read(Stream)"/> finds in the file, and a case
/// finishes within <see cref="Mutations.TimeBudget"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    /// <summary>The longest reason a message may have, whatever the length of the names and values in the file.</summary>
    private const int ShortReason = 400;

    private readonly FuzzStats _stats = new();

    private static readonly byte[][] Tokens =
        [.. new[] { "{", "}", "[", "]", ",", ":", "\"", "\"__metadata__\"", "\\u0000", "\\uD800", "1e3", "-1", "99999999999999999999", "\"F32\"", "\"BF16\"", "\"F4\"", " ", "null", "[0,0]", "\"x\":{}" }
            .Select(Encoding.UTF8.GetBytes)];

    private static readonly string[] Numbers = ["0", "1", "3", "4", "39", "41", "120", "332", "-1", "1e3", "2.0", "99999999999999999999", "9223372036854775807", "4611686018427387904"];

    private static readonly byte[] Iris = IrisFile();

    private static byte[] IrisFile()
    {
        var stream = new MemoryStream();
        TestData.Randomized<WeightFileIrisNet>(seed: 31).Save(stream, new Dictionary<string, string> { ["epoch"] = "7" });
        return stream.ToArray();
    }

    /// <summary>A file of a few tensors of assorted dtypes and shapes, for <see cref="SafeTensorsFile"/>.</summary>
    private static byte[] Assorted(int seed)
    {
        var random = new Random(seed);
        var file = new SafeTensorsFile();
        string[] dtypes = ["F32", "F16", "BF16", "I64", "U8", "BOOL", "F64"];
        for (int t = 0; t < 1 + seed % 4; t++)
        {
            long[] shape = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => (long)random.Next(0, 4))];
            string dtype = dtypes[random.Next(dtypes.Length)];
            SafeTensorsDTypes.TryGet(dtype, out int bits, out _);
            SafeTensorsDTypes.TryGetByteLength(shape, bits, out _, out long bytes);
            var data = new byte[bytes];
            random.NextBytes(data);
            file.Add(new SafeTensor($"t{t}", dtype, shape, data));
        }
        var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    internal sealed record Case(byte[] File, bool Seekable, string Description);

    /// <summary>Which part of a valid file the edits apply to.</summary>
    internal enum Part
    {
        /// <summary>The whole file: most edits break the framing (the header length no longer fits).</summary>
        WholeFile,

        /// <summary>The JSON only, with its new length written into the prefix: the checks on the entries (names, dtypes, shapes, offsets, metadata) and the binding to the network.</summary>
        HeaderOnly,

        /// <summary>The tensor data only: edits that keep its length load (any bits are valid values), the others break the offsets.</summary>
        DataOnly,
    }

    /// <summary>The valid input before the edits: which file (0-11 the Iris network's, 12-20 assorted tensors), stream kind (0 forward-only, else seekable) and part edited.</summary>
    private static readonly Gen<(int Basis, int Stream, int Part)> Bases = Gen.Select(Gen.Int[0, 20], Gen.Int[0, 9], Gen.Int[0, 4]);

    /// <summary>Two cases in five edit the whole file, two the header only and one the data only.</summary>
    private static Case Build((int Basis, int Stream, int Part) basis, Mutation[] mutations)
    {
        byte[] valid = basis.Basis < 12 ? Iris : Assorted(basis.Basis);
        Part edited = basis.Part switch { < 2 => Part.WholeFile, < 4 => Part.HeaderOnly, _ => Part.DataOnly };
        byte[] file = edited switch
        {
            Part.WholeFile => [.. Mutations.Apply(valid, mutations, Tokens, Special)],
            Part.HeaderOnly => EditHeaderOnly(valid, mutations),
            _ => EditDataOnly(valid, mutations),
        };
        return new Case(file, basis.Stream != 0, $"{(basis.Basis < 12 ? "iris" : $"assorted {basis.Basis}")} {edited} {Mutations.Describe(mutations)}");
    }

    /// <summary>Applies the edits to the data section alone (bit flips and overwrites keep its length); the header is kept.</summary>
    private static byte[] EditDataOnly(byte[] valid, Mutation[] mutations)
    {
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        List<byte> data = Mutations.Apply(valid[headerEnd..], mutations, Tokens, (bytes, m) =>
        {
            if (bytes.Count > 0)
            {
                bytes[(int)((long)m.Position * bytes.Count / 1_000_001)] ^= (byte)(1 << (m.Value % 8));
            }
        });
        return [.. valid.AsSpan(0, headerEnd), .. data];
    }

    /// <summary>Applies the edits to the JSON header alone, then writes its new length into the 8-byte prefix; the data is kept.</summary>
    private static byte[] EditHeaderOnly(byte[] valid, Mutation[] mutations)
    {
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        List<byte> json = Mutations.Apply(valid[8..headerEnd], mutations, Tokens, (bytes, m) => Special(bytes, m, framed: true));
        var file = new byte[8 + json.Count + valid.Length - headerEnd];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Count);
        json.CopyTo(file, 8);
        valid.AsSpan(headerEnd).CopyTo(file.AsSpan(8 + json.Count));
        return file;
    }

    private static void Special(List<byte> bytes, Mutation m) => Special(bytes, m, framed: false);

    /// <summary>number: the header length (whole-file edits only) or a number in the JSON becomes an edge value; flip: one bit.</summary>
    private static void Special(List<byte> bytes, Mutation m, bool framed)
    {
        if (bytes.Count == 0)
        {
            return;
        }
        int at = (int)((long)m.Position * bytes.Count / 1_000_001);
        if (m.Kind == 6)
        {
            bytes[at] ^= (byte)(1 << (m.Value % 8));
            return;
        }
        if (!framed && (bytes.Count < 8 || m.Length % 8 == 0))
        {
            ulong[] lengths = [0, 1, 2, (ulong)bytes.Count, (ulong)bytes.Count - 8, ulong.MaxValue, 100_000_001, (ulong)m.Value];
            Span<byte> value = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(value, lengths[m.Value % lengths.Length]);
            for (int i = 0; i < Math.Min(8, bytes.Count); i++)
            {
                bytes[i] = value[i];
            }
            return;
        }
        // Replace the digits of a number at or after the position.
        int start = bytes.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0)
        {
            return;
        }
        int end = start;
        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.UTF8.GetBytes(Numbers[m.Value % Numbers.Length]));
    }

    private static Stream Open(Case c) => c.Seekable ? new MemoryStream(c.File) : new ForwardOnlyStream(c.File);

    private string Check(Case c)
    {
        double perByte = c.Seekable ? SafeTensorsHostileInputTests.BytesPerByte : SafeTensorsHostileInputTests.BytesPerByte + 4;
        var network = new WeightFileIrisNet(seed: 1);
        float[] before = network.Parameters.ToArray();
        LoadOutcome<IReadOnlyDictionary<string, string>> load = LoaderContract.Run(() => network.Load(Open(c)));
        _stats.ShouldAllocateAtMost(load, perByte, c.File.Length);
        if (load.Error is not null)
        {
            ShouldBeShort(load.ShouldFailWith<WeightFileException, IReadOnlyDictionary<string, string>>());
            network.Parameters.ToArray().ShouldBe(before, "a failed load changed the network");
        }

        LoadOutcome<SafeTensorsFile> read = LoaderContract.Run(() => SafeTensorsFile.Read(Open(c)));
        _stats.ShouldAllocateAtMost(read, perByte, c.File.Length);
        if (read.Error is not null)
        {
            load.Error.ShouldNotBeNull("the network loaded a file that SafeTensorsFile.Read rejects");
            WeightFileException error = read.ShouldFailWith<WeightFileException, SafeTensorsFile>();
            ShouldBeShort(error);
            return Mutations.Kind(error.Reason);
        }
        SafeTensorsFile file = read.Result!;
        file.Tensors.Sum(t => (long)t.Data.Length).ShouldBeLessThanOrEqualTo(c.File.Length);
        if (load.Error is not null)
        {
            return $"{Mutations.Loaded} by Read, refused by the network";
        }
        // All or nothing the other way too: a load that succeeds sets every tensor to the file's values.
        IReadOnlyList<TensorInfo> tensors = WeightFileIrisNet.Tensors;
        for (int t = 0; t < tensors.Count; t++)
        {
            var values = new float[tensors[t].Count];
            network.GetTensor(t, values);
            values.ShouldBe(file[tensors[t].Name].ToSingleArray(), $"{tensors[t].Name} differs from the file");
        }
        return Mutations.Loaded;
    }

    private static void ShouldBeShort(WeightFileException error)
    {
        error.Message.ShouldBe($"Cannot load weights from the stream: {error.Reason}");
        error.Reason.Length.ShouldBeInRange(1, ShortReason, $"the reason is not short: {error.Reason[..Math.Min(error.Reason.Length, 200)]}...");
    }

    [Fact]
    public void MutatedSafeTensors_MeetTheLoaderContract()
    {
        Dictionary<string, int> outcomes = Mutations.Run(Bases, Build, Check, c => c.File.Length, _stats, output, c => $"{c.Description} ({c.File.Length} bytes, {(c.Seekable ? "seekable" : "forward-only")})");

        Mutations.ShouldBeVaried(outcomes, distinctOutcomes: 8);
    }
}
