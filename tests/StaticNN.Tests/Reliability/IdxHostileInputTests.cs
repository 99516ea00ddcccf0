using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using StaticNN.Data;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability;

/// <summary>The IDX inputs of issue 18 that overflowed or exhausted memory, each a regression test of the loader contract.</summary>
public sealed class IdxHostileInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static byte[] ImageHeader(int count, int rows, int columns, int dataBytes = 0)
    {
        var bytes = new byte[16 + dataBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxLoader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        return bytes;
    }

    internal static byte[] LabelHeader(int count, int dataBytes = 0)
    {
        var bytes = new byte[8 + dataBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, IdxLoader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        return bytes;
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>Prints the allocation per byte of data the loader read (the README's figures come from these lines).</summary>
    private void Report<T>(LoadOutcome<T> outcome, long inputBytes) =>
        output.WriteLine($"{inputBytes:N0} bytes read: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / inputBytes:F2} per byte); {outcome.Error?.Message ?? "loaded"}");

    private string Write(string name, byte[] bytes)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ImagesWhoseSizeOverflows64Bits_ThrowNamingTheHeaderValues()
    {
        string path = Write("overflow", ImageHeader(20, int.MaxValue, int.MaxValue));

        LoadOutcome<float[]> outcome = LoaderContract.Run(() => IdxLoader.ReadImages(path, out _, out _, out _));

        InvalidDataException error = outcome.ShouldFailWith<InvalidDataException, float[]>();
        error.Message.ShouldBe(
            $"IDX image file '{path}': the header gives 20 images of 2147483647x2147483647 = 92233720282648412180 pixels, more than one array can hold ({Array.MaxLength}); the header is corrupt or the file is not an IDX image file.");
        Report(outcome, 16);
        outcome.ShouldAllocateAtMost(perByte: 4, inputBytes: 16);
    }

    [Fact]
    public void ImagesWhoseSizeWrapsToZeroIn64Bits_ThrowInsteadOfReturningNoPixels()
    {
        // 2^22 x 2^21 x 2^21 = 2^64, which wraps to exactly 0 in 64-bit arithmetic.
        string path = Write("wraps", ImageHeader(4_194_304, 2_097_152, 2_097_152));

        LoadOutcome<float[]> outcome = LoaderContract.Run(() => IdxLoader.ReadImages(path, out _, out _, out _));

        outcome.ShouldFailWith<InvalidDataException, float[]>().Message.ShouldContain("= 18446744073709551616 pixels, more than one array can hold");
    }

    [Fact]
    public void LoadWithRowsTimesColumnsBeyondInt_ThrowsInsteadOfAFeatureSizeOfZero()
    {
        // 65536 x 65536 = 2^32 wraps to 0 in 32-bit arithmetic: it reached the Dataset as a feature size of 0.
        string images = Write("images", ImageHeader(1, 65_536, 65_536));
        string labels = Write("labels", LabelHeader(1, dataBytes: 1));

        LoadOutcome<Dataset> outcome = LoaderContract.Run(() => IdxLoader.Load(images, labels));

        outcome.ShouldFailWith<InvalidDataException, Dataset>().Message.ShouldContain($"'{images}': the header gives 1 images of 65536x65536 = 4294967296 pixels");
    }

    [Fact]
    public void GzipIdxClaiming100MillionLabels_ThrowsWithoutAllocating()
    {
        byte[] gz = Gzip(LabelHeader(100_000_000, dataBytes: 16));
        string path = Write("labels.gz", gz);

        LoadOutcome<int[]> outcome = LoaderContract.Run(() => IdxLoader.ReadLabels(path));

        outcome.ShouldFailWith<InvalidDataException, int[]>().Message.ShouldBe(
            $"IDX label file '{path}' is truncated: the header promises 100000000 labels but the data ends after 16 labels.");
        Report(outcome, 8 + 16);
        outcome.ShouldAllocateAtMost(perByte: 2, inputBytes: 8 + 16); // it allocated 400 MB before the fix
    }

    [Fact]
    public void GzipIdxClaimingIntMaxValueLabels_ThrowsInsteadOfOutOfMemory()
    {
        string path = Write("labels.gz", Gzip(LabelHeader(int.MaxValue, dataBytes: 100)));

        LoadOutcome<int[]> outcome = LoaderContract.Run(() => IdxLoader.ReadLabels(path));

        outcome.ShouldFailWith<InvalidDataException, int[]>().Message.ShouldContain("ends after 100 labels");
        Report(outcome, 108);
        outcome.ShouldAllocateAtMost(perByte: 2, inputBytes: 108);
    }

    [Fact]
    public void GzipIdxClaimingAMillion28x28Images_ThrowsInsteadOfOutOfMemory()
    {
        // The header is honest about the shape; the data stops after 3 images.
        string path = Write("images.gz", Gzip(ImageHeader(1_000_000, 28, 28, dataBytes: 3 * 784)));

        LoadOutcome<float[]> outcome = LoaderContract.Run(() => IdxLoader.ReadImages(path, out _, out _, out _));

        outcome.ShouldFailWith<InvalidDataException, float[]>().Message.ShouldBe(
            $"IDX image file '{path}' is truncated: the header promises 1000000 images of 28x28 but the data ends after 2352 pixel bytes.");
        Report(outcome, 16 + 3 * 784);
        outcome.ShouldAllocateAtMost(perByte: 2, inputBytes: 16 + 3 * 784);
    }

    [Fact]
    public void LargeTruncatedGzipImages_AllocateAtMostTwiceWhatArrived()
    {
        // 3 MB of pixels arrive (the chunks grow past their 1 MiB cap), against a promise of 10,000 x 100 x 100.
        const int Arrived = 3_000_000;
        string path = Write("images.gz", Gzip(ImageHeader(10_000, 100, 100, dataBytes: Arrived)));

        LoadOutcome<float[]> outcome = LoaderContract.Run(() => IdxLoader.ReadImages(path, out _, out _, out _));

        outcome.ShouldFailWith<InvalidDataException, float[]>().Message.ShouldContain($"ends after {Arrived} pixel bytes");
        Report(outcome, 16 + Arrived);
        outcome.ShouldAllocateAtMost(perByte: 2, inputBytes: 16 + Arrived);
    }

    [Fact]
    public void ValidGzipImages_AllocateAtMostFiveBytesPerDecompressedByte()
    {
        const int Pixels = 200 * 100 * 100;
        string path = Write("images.gz", Gzip(ImageHeader(200, 100, 100, dataBytes: Pixels)));

        LoadOutcome<float[]> outcome = LoaderContract.Run(() => IdxLoader.ReadImages(path, out _, out _, out _));

        outcome.Error.ShouldBeNull();
        outcome.Result!.Length.ShouldBe(Pixels);
        Report(outcome, 16 + Pixels);
        outcome.ShouldAllocateAtMost(perByte: 5, inputBytes: 16 + Pixels);
    }

    [Fact]
    public void ValidRawImages_AllocateOnlyTheResult()
    {
        const int Pixels = 200 * 100 * 100;
        string path = Write("images", ImageHeader(200, 100, 100, dataBytes: Pixels));

        LoadOutcome<float[]> outcome = LoaderContract.Run(() => IdxLoader.ReadImages(path, out _, out _, out _));

        outcome.Error.ShouldBeNull();
        Report(outcome, 16 + Pixels);
        outcome.ShouldAllocateAtMost(perByte: 4, inputBytes: 16 + Pixels);
    }
}
