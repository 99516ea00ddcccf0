using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using StaticNN.Data;

namespace StaticNN.Tests.Data;

public sealed class IdxLoaderTests : IDisposable
{
    private const int Images = 5, Rows = 3, Columns = 4;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"staticnn-idx-{Guid.NewGuid():N}");

    public IdxLoaderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte Pixel(int image, int index) => (byte)((image * 53 + index * 17) % 256);

    private static byte[] ImageBytes(int count = Images, int rows = Rows, int columns = Columns, int magic = 0x803)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < rows * columns; p++)
            {
                bytes[16 + i * rows * columns + p] = Pixel(i, p);
            }
        }
        bytes[16] = 255; // the extremes of the scale
        bytes[17] = 0;
        return bytes;
    }

    private static byte[] LabelBytes(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void ShouldHoldTheTestImages(Dataset data)
    {
        data.Count.ShouldBe(Images);
        data.FeatureSize.ShouldBe(Rows * Columns);
        data.ClassCount.ShouldBe(10);
        data.Labels.ToArray().ShouldBe([3, 0, 9, 1, 3]);
        data.Features[0].ShouldBe(1f);
        data.Features[1].ShouldBe(0f);
        for (int i = 0; i < Images; i++)
        {
            for (int p = 0; p < Rows * Columns; p++)
            {
                if (i == 0 && p < 2) continue;
                data.GetFeatures(i)[p].ShouldBe(Pixel(i, p) / 255f);
            }
        }
    }

    [Fact]
    public void RawFiles_LoadScaledPixelsAndLabels()
    {
        Dataset data = IdxLoader.Load(Write("images", ImageBytes()), Write("labels", LabelBytes(3, 0, 9, 1, 3)));

        ShouldHoldTheTestImages(data);
    }

    [Fact]
    public void GzippedFiles_AreDetectedByMagicNotExtension()
    {
        string images = Write("images.idx", Gzip(ImageBytes())); // no .gz extension
        string labels = Write("labels.gz", Gzip(LabelBytes(3, 0, 9, 1, 3)));

        ShouldHoldTheTestImages(IdxLoader.Load(images, labels));
    }

    [Fact]
    public void ReadImages_ReturnsTheDimensions()
    {
        float[] pixels = IdxLoader.ReadImages(Write("images", ImageBytes(count: 2, rows: 7, columns: 2)), out int count, out int rows, out int columns);

        (count, rows, columns).ShouldBe((2, 7, 2));
        pixels.Length.ShouldBe(28);
        pixels[27].ShouldBe(Pixel(1, 13) / 255f);
    }

    [Fact]
    public void LargeFile_IsReadAcrossChunks()
    {
        // 3 x 200 x 200 = 120000 pixel bytes: more than one 64 KiB chunk.
        float[] pixels = IdxLoader.ReadImages(Write("big.gz", Gzip(ImageBytes(count: 3, rows: 200, columns: 200))), out int count, out _, out _);

        count.ShouldBe(3);
        pixels[^1].ShouldBe(Pixel(2, 39_999) / 255f);
        pixels[70_000].ShouldBe(Pixel(1, 30_000) / 255f);
    }

    [Fact]
    public void NullClassCount_InfersLargestLabelPlusOne()
    {
        Dataset data = IdxLoader.Load(Write("images", ImageBytes()), Write("labels", LabelBytes(3, 0, 12, 1, 3)), classCount: null);

        data.ClassCount.ShouldBe(13);
    }

    [Fact]
    public void WrongImageMagic_Throws()
    {
        string images = Write("images", ImageBytes(magic: 0x801));
        string labels = Write("labels", LabelBytes(3, 0, 9, 1, 3));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.Load(images, labels));

        error.Message.ShouldContain(images);
        error.Message.ShouldContain("magic number 0x00000801; expected 0x00000803");
    }

    [Fact]
    public void WrongLabelMagic_Throws()
    {
        string images = Write("images", ImageBytes());
        byte[] labelBytes = LabelBytes(3, 0, 9, 1, 3);
        labelBytes[3] = 0x03;
        string labels = Write("labels", labelBytes);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.Load(images, labels));

        error.Message.ShouldContain(labels);
        error.Message.ShouldContain("expected 0x00000801");
    }

    [Fact]
    public void TruncatedRawImages_Throws()
    {
        byte[] bytes = ImageBytes();
        string images = Write("images", bytes[..^5]);
        string labels = Write("labels", LabelBytes(3, 0, 9, 1, 3));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.Load(images, labels));

        error.Message.ShouldContain(images);
        error.Message.ShouldContain("truncated");
        error.Message.ShouldContain("5 images of 3x4");
    }

    [Fact]
    public void TruncatedGzippedImages_Throws()
    {
        string images = Write("images", Gzip(ImageBytes()[..^5]));
        string labels = Write("labels", LabelBytes(3, 0, 9, 1, 3));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.Load(images, labels));

        error.Message.ShouldContain(images);
        error.Message.ShouldContain("truncated");
        error.Message.ShouldContain("ends after 55 pixel bytes");
    }

    [Fact]
    public void TruncatedHeader_Throws()
    {
        string labels = Write("labels", LabelBytes(3)[..6]);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.ReadLabels(labels));

        error.Message.ShouldContain(labels);
        error.Message.ShouldContain("header");
    }

    [Fact]
    public void TruncatedLabels_Throws()
    {
        string labels = Write("labels.gz", Gzip(LabelBytes(3, 0, 9, 1, 3)[..^1]));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.ReadLabels(labels));

        error.Message.ShouldContain("truncated");
        error.Message.ShouldContain("ends after 4 labels");
    }

    [Fact]
    public void CountMismatch_NamesBothFiles()
    {
        string images = Write("images", ImageBytes());
        string labels = Write("labels", LabelBytes(3, 0, 9, 1));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.Load(images, labels));

        error.Message.ShouldContain($"'{images}' holds 5 images but label file '{labels}' holds 4 labels");
    }

    [Fact]
    public void LabelNotBelowClassCount_Throws()
    {
        string images = Write("images", ImageBytes());
        string labels = Write("labels", LabelBytes(3, 0, 10, 1, 3));

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.Load(images, labels, classCount: 10));

        error.Message.ShouldContain(labels);
        error.Message.ShouldContain("label 10 of item 2 is not below the class count 10");
    }

    [Fact]
    public void CorruptGzipData_ThrowsNamingTheFile()
    {
        byte[] gz = Gzip(ImageBytes(count: 3, rows: 50, columns: 50));
        for (int i = 20; i < gz.Length - 10; i++) gz[i] ^= 0x5A;
        string images = Write("images", gz);

        InvalidDataException error = Should.Throw<InvalidDataException>(() => IdxLoader.ReadImages(images, out _, out _, out _));

        error.Message.ShouldContain(images);
    }
}
