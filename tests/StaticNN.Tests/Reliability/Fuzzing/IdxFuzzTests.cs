using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CsCheck;
using StaticNN.Data;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability.Fuzzing;

/// <summary>
/// Mutated IDX files, raw and gzipped: every read returns the promised values or throws
/// <see cref="InvalidDataException"/> naming the file, and allocates at most 4 bytes per file byte (raw) or 5 bytes
/// per decompressed byte (gzip) plus 1 MB. The mutated file is also loaded with <see cref="IdxLoader.Load"/> beside a
/// valid partner (labels for images, images for labels), which returns a consistent data set or throws the same way
/// within the sum of both files' bounds. Messages are short, and a case finishes within <see cref="Mutations.TimeBudget"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class IdxFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly int[] Interesting =
        [0, 1, -1, 2, 28, 255, 256, 60_000, 65_536, 1_000_000, 2_097_152, 4_194_304, 100_000_000, int.MaxValue, int.MinValue, 0x803, 0x801];

    private static readonly byte[][] Tokens = [[0], [0xFF], [0x08, 0x03], [0x08, 0x01], [0x1F, 0x8B], [0, 0, 0, 0], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0, 0, 0]];

    /// <summary>The longest a message may be, beyond the file names it quotes.</summary>
    private const int ShortMessage = 400;

    private readonly TempFolder _folder = new();

    private readonly FuzzStats _stats = new();

    public void Dispose() => _folder.Dispose();

    /// <param name="Images">Image file (else labels).</param>
    /// <param name="Gzip">Compressed: 0 raw, 1 mutate then compress (the header lies to the gzip path), 2 compress then mutate.</param>
    /// <param name="Partner">A valid file of the other kind with the unmutated item count, for <see cref="IdxLoader.Load"/>.</param>
    /// <param name="ClassCount">The class count passed to <see cref="IdxLoader.Load"/>: 10 (the valid labels are 0 to 9), 5 or null (inferred).</param>
    internal sealed record Case(bool Images, int Gzip, byte[] File, long DecodedBytes, byte[] Partner, int? ClassCount, string Description);

    private static byte[] Valid(bool images, int count, int rows, int columns)
    {
        byte[] valid = images ? IdxHostileInputTests.ImageHeader(count, rows, columns, count * rows * columns)
            : IdxHostileInputTests.LabelHeader(count, count);
        for (int i = images ? 16 : 8; i < valid.Length; i++)
        {
            valid[i] = (byte)(i * 37 % (images ? 256 : 10));
        }
        return valid;
    }

    /// <summary>The valid input before the edits: images or labels, the gzip mode, the shape (count, rows, columns) and the class count passed to Load.</summary>
    private static readonly Gen<(bool Images, int Gzip, (int, int, int) Shape, int Classes)> Bases =
        Gen.Select(Gen.Bool, Gen.Int[0, 2], Gen.Select(Gen.Int[1, 20], Gen.Int[1, 9], Gen.Int[1, 9]), Gen.Int[0, 3]);

    private static Case Build((bool Images, int Gzip, (int, int, int) Shape, int Classes) basis, Mutation[] mutations)
    {
        (bool images, int gzip, (int count, int rows, int columns) shape, int classes) = basis;
        byte[] valid = Valid(images, shape.count, shape.rows, shape.columns);
        byte[] partner = Valid(!images, shape.count, shape.rows, shape.columns);
        int? classCount = classes switch { 0 => null, 1 => 5, _ => 10 };
        byte[] file = gzip switch
        {
            0 => [.. Mutations.Apply(valid, mutations, Tokens, Special)],
            1 => IdxHostileInputTests.Gzip([.. Mutations.Apply(valid, mutations, Tokens, Special)]),
            _ => [.. Mutations.Apply(IdxHostileInputTests.Gzip(valid), mutations, Tokens, Special)],
        };
        return new Case(images, gzip, file, GzipDecodedLength.Of(file), partner, classCount,
            $"{(images ? "images" : "labels")} {shape} gzip {gzip} classes {classCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "inferred"} {Mutations.Describe(mutations)}");
    }

    /// <summary>number: a header field (count, rows, columns or magic) becomes an edge value; flip: one bit.</summary>
    private static void Special(List<byte> bytes, Mutation m)
    {
        if (m.Kind == 5)
        {
            int offset = 4 * (m.Length % 4);
            if (offset + 4 <= bytes.Count)
            {
                Span<byte> value = stackalloc byte[4];
                BinaryPrimitives.WriteInt32BigEndian(value, Interesting[m.Value % Interesting.Length]);
                for (int i = 0; i < 4; i++)
                {
                    bytes[offset + i] = value[i];
                }
            }
        }
        else if (bytes.Count > 0)
        {
            int at = (int)((long)m.Position * bytes.Count / 1_000_001);
            bytes[at] ^= (byte)(1 << (m.Value % 8));
        }
    }

    private string Check(Case c)
    {
        string path = _folder.File(c.Images ? "images.idx" : "labels.idx");
        File.WriteAllBytes(path, c.File);
        int count = 0, rows = 0, columns = 0;
        LoadOutcome<Array> outcome = LoaderContract.Run<Array>(() => c.Images ? IdxLoader.ReadImages(path, out count, out rows, out columns) : IdxLoader.ReadLabels(path));
        bool compressed = c.File.Length >= 2 && c.File[0] == 0x1F && c.File[1] == 0x8B;
        // The bound in bytes the loader may allocate for the mutated file, beyond the slack (DecodedBytes is the file's length when it is raw).
        int perByte = compressed ? 5 : 4;
        long bound = perByte * c.DecodedBytes;
        _stats.ShouldAllocateAtMost(outcome, perByte, c.DecodedBytes);
        CheckLoad(c, path, bound);
        if (outcome.Error is not null)
        {
            InvalidDataException error = outcome.ShouldFailWith<InvalidDataException, Array>();
            error.Message.ShouldContain($"'{path}'");
            error.Message.Replace(path, "", StringComparison.Ordinal).Length.ShouldBeLessThanOrEqualTo(ShortMessage, error.Message);
            return Mutations.Kind(error.Message.Replace(path, "", StringComparison.Ordinal));
        }
        if (c.Images)
        {
            var pixels = (float[])outcome.Result!;
            pixels.Length.ShouldBe(count * rows * columns);
            pixels.ShouldAllBe(p => p >= 0 && p <= 1);
        }
        else
        {
            ((int[])outcome.Result!).ShouldAllBe(l => l >= 0 && l <= 255);
        }
        return Mutations.Loaded;
    }

    /// <summary><see cref="IdxLoader.Load"/> of the mutated file and its valid partner: a consistent data set or an <see cref="InvalidDataException"/> naming one of them.</summary>
    private void CheckLoad(Case c, string path, long bound)
    {
        string partner = _folder.File(c.Images ? "partner-labels.idx" : "partner-images.idx");
        File.WriteAllBytes(partner, c.Partner);
        string images = c.Images ? path : partner, labels = c.Images ? partner : path;
        LoadOutcome<Dataset> outcome = LoaderContract.Run(() => IdxLoader.Load(images, labels, c.ClassCount));
        _stats.Record(outcome, c.DecodedBytes + c.Partner.Length);
        outcome.ShouldAllocateAtMost(perByte: 1, inputBytes: bound + 4L * c.Partner.Length);
        if (outcome.Error is not null)
        {
            InvalidDataException error = outcome.ShouldFailWith<InvalidDataException, Dataset>();
            (error.Message.Contains($"'{path}'", StringComparison.Ordinal) || error.Message.Contains($"'{partner}'", StringComparison.Ordinal))
                .ShouldBeTrue($"the error names neither file: {error.Message}");
            error.Message.Replace(path, "", StringComparison.Ordinal).Replace(partner, "", StringComparison.Ordinal).Length.ShouldBeLessThanOrEqualTo(ShortMessage, error.Message);
            return;
        }
        Dataset data = outcome.Result!;
        data.Features.Length.ShouldBe(data.Count * data.FeatureSize);
        data.Labels.Length.ShouldBe(data.Count);
        data.Labels.ToArray().ShouldAllBe(l => l >= 0 && l < data.ClassCount);
        if (c.ClassCount is int classes)
        {
            data.ClassCount.ShouldBe(classes);
        }
    }

    [Fact]
    public void MutatedIdx_MeetsTheLoaderContract()
    {
        Dictionary<string, int> outcomes = Mutations.Run(Bases, Build, Check, c => Math.Max(c.File.Length, c.DecodedBytes) + c.Partner.Length, _stats, output, c => $"{c.Description} ({c.File.Length} bytes, {c.DecodedBytes} decoded)");

        Mutations.ShouldBeVaried(outcomes, distinctOutcomes: 5);
    }
}
