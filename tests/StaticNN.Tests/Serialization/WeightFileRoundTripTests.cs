using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;

namespace StaticNN.Tests.Serialization;

/// <summary>Save then Load gives back the same network: parameters, predictions, metadata, layers without bias.</summary>
public sealed class WeightFileRoundTripTests
{
    [Fact]
    public void SaveThenLoad_GivesIdenticalParametersAndPredictions()
    {
        using var folder = new TempFolder();
        string path = folder.File("iris.safetensors");
        WeightFileIrisNet saved = TestData.Randomized<WeightFileIrisNet>(seed: 3);
        saved.Save(path);

        var loaded = new WeightFileIrisNet(seed: 99);
        loaded.Parameters.ToArray().ShouldNotBe(saved.Parameters.ToArray());
        IReadOnlyDictionary<string, string> metadata = loaded.Load(path);

        metadata.ShouldBeEmpty();
        loaded.Parameters.ToArray().ShouldBe(saved.Parameters.ToArray());
        float[] inputs = TestData.Uniform(4 * 20, seed: 5, -3f, 3f);
        var expected = new float[3];
        var actual = new float[3];
        for (int m = 0; m < 20; m++)
        {
            saved.Predict(inputs.AsSpan(m * 4, 4), expected);
            loaded.Predict(inputs.AsSpan(m * 4, 4), actual);
            actual.ShouldBe(expected);
        }
        Directory.GetFiles(folder.Path).ShouldBe([path]);
    }

    [Fact]
    public void Metadata_RoundTripsThroughTheFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("with-metadata.safetensors");
        var metadata = new Dictionary<string, string>
        {
            ["epoch"] = "12",
            ["format"] = "pt",
            ["note"] = "UTF-8 ✓ ü, \"quotes\", back\\slash, new\nline, <html> & +",
            [""] = "empty key",
        };
        WeightFileIrisNet saved = TestData.Randomized<WeightFileIrisNet>(seed: 4);
        saved.Save(path, metadata);

        var loaded = new WeightFileIrisNet();
        IReadOnlyDictionary<string, string> read = loaded.Load(path);
        read.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        loaded.Parameters.ToArray().ShouldBe(saved.Parameters.ToArray());

        SafeTensorsFile file = SafeTensorsFile.Read(path);
        file.Metadata["note"].ShouldBe(metadata["note"]);
        file.Tensors.Select(t => t.Name).ShouldBe(["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"]);
    }

    [Fact]
    public void LayerWithoutBias_HasNoBiasTensorAndRoundTrips()
    {
        using var folder = new TempFolder();
        string path = folder.File("mixed.safetensors");
        WeightFileMixedBiasNet saved = TestData.Randomized<WeightFileMixedBiasNet>(seed: 6);
        saved.Save(path);

        SafeTensorsFile file = SafeTensorsFile.Read(path);
        file.Tensors.Select(t => t.Name).ShouldBe(["layers.0.weight", "layers.1.bias", "layers.1.weight"]);
        file["layers.0.weight"].Shape.ShouldBe([7L, 5L]);
        file["layers.1.weight"].Shape.ShouldBe([2L, 7L]);
        file["layers.1.bias"].Shape.ShouldBe([2L]);
        var weight0 = new float[35];
        saved.GetLayerParameters(0, weight0, []);
        file["layers.0.weight"].ToSingleArray().ShouldBe(weight0);

        var loaded = new WeightFileMixedBiasNet(seed: 1);
        loaded.Load(path);
        loaded.Parameters.ToArray().ShouldBe(saved.Parameters.ToArray());
        var x = new float[] { 0.1f, -0.2f, 0.3f, -0.4f, 0.5f };
        var expected = new float[2];
        var actual = new float[2];
        saved.Predict(x, expected);
        loaded.Predict(x, actual);
        actual.ShouldBe(expected);
    }

    [Fact]
    public void StreamOverloads_RoundTripAndReadNonSeekableStreams()
    {
        WeightFileIrisNet saved = TestData.Randomized<WeightFileIrisNet>(seed: 8);
        var memory = new MemoryStream();
        memory.WriteByte(0xAB); // the data starts at the stream's position, not at 0
        saved.Save(memory, new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = memory.ToArray()[1..];

        var fromSeekable = new WeightFileIrisNet(seed: 2);
        memory.Position = 1;
        fromSeekable.Load(memory)["k"].ShouldBe("v");
        fromSeekable.Parameters.ToArray().ShouldBe(saved.Parameters.ToArray());

        var fromForwardOnly = new WeightFileIrisNet(seed: 2);
        fromForwardOnly.Load(new ForwardOnlyStream(bytes))["k"].ShouldBe("v");
        fromForwardOnly.Parameters.ToArray().ShouldBe(saved.Parameters.ToArray());
    }

    [Fact]
    public void Save_ReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("replace.safetensors");
        TestData.Randomized<WeightFileIrisNet>(seed: 1).Save(path);
        WeightFileIrisNet second = TestData.Randomized<WeightFileIrisNet>(seed: 2);
        second.Save(path);

        var loaded = new WeightFileIrisNet();
        loaded.Load(path);
        loaded.Parameters.ToArray().ShouldBe(second.Parameters.ToArray());
        Directory.GetFiles(folder.Path).ShouldBe([path]);
    }

    [Fact]
    public void Save_ThatFails_LeavesTheOldFileAndNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("keep.safetensors");
        WeightFileIrisNet original = TestData.Randomized<WeightFileIrisNet>(seed: 1);
        original.Save(path);
        byte[] before = File.ReadAllBytes(path);

        // A metadata value that has no UTF-8 form fails while the header is built; an unwritable target fails at the rename.
        var invalid = new Dictionary<string, string> { ["bad"] = "\uD800" };
        Should.Throw<ArgumentException>(() => TestData.Randomized<WeightFileIrisNet>(seed: 2).Save(path, invalid));
        string folderAsTarget = folder.File("a-folder");
        Directory.CreateDirectory(folderAsTarget);
        Should.Throw<IOException>(() => original.Save(folderAsTarget));
        Should.Throw<DirectoryNotFoundException>(() => original.Save(folder.File("missing/sub/x.safetensors")));

        File.ReadAllBytes(path).ShouldBe(before);
        Directory.GetFiles(folder.Path).ShouldBe([path]);
        Directory.GetFiles(folderAsTarget).ShouldBeEmpty();
    }

    [Fact]
    public void Load_OfAMissingFile_ThrowsFileNotFoundAndLeavesTheNetwork()
    {
        using var folder = new TempFolder();
        var network = new WeightFileIrisNet(seed: 5);
        float[] before = network.Parameters.ToArray();
        Should.Throw<FileNotFoundException>(() => network.Load(folder.File("nope.safetensors")));
        network.Parameters.ToArray().ShouldBe(before);
    }

    [Fact]
    public void SafeTensorsFile_RoundTripsOtherDtypesAndReportsThemByName()
    {
        var file = new SafeTensorsFile();
        file.Add(new SafeTensor("half", "F16", [2], [0x00, 0x3C, 0x00, 0xC0])); // 1.0, -2.0
        file.Add(new SafeTensor("ids", "I64", [1], BitConverter.GetBytes(42L)));
        file.Add(new SafeTensor("packed", "F4", [2, 2], [0x12, 0x34])); // 4 bits per element
        file.Add(new SafeTensor("scalar", [], [3.5f]));
        file.Add(new SafeTensor("empty", [0, 5], ReadOnlySpan<float>.Empty));
        file.Metadata["who"] = "test";
        var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;

        SafeTensorsFile read = SafeTensorsFile.Read(stream);
        // Reference layout: widest dtype first (I64, then F32, F16, F4), names in ordinal order within a dtype.
        read.Tensors.Select(t => t.Name).ShouldBe(["ids", "empty", "scalar", "half", "packed"]);
        read["packed"].Data.ToArray().ShouldBe(new byte[] { 0x12, 0x34 });
        read["half"].DType.ShouldBe("F16");
        read["half"].Data.ToArray().ShouldBe(new byte[] { 0x00, 0x3C, 0x00, 0xC0 });
        Should.Throw<InvalidOperationException>(() => read["half"].ToSingleArray()).Message.ShouldContain("F16");
        read["scalar"].Shape.ShouldBeEmpty();
        read["scalar"].ToSingleArray().ShouldBe([3.5f]);
        read["empty"].ElementCount.ShouldBe(0);
        read["ids"].Data.ToArray().ShouldBe(BitConverter.GetBytes(42L));
        read.Metadata["who"].ShouldBe("test");

        Should.Throw<ArgumentException>(() => new SafeTensor("x", [2, 2], [1f, 2f, 3f]));
        Should.Throw<ArgumentException>(() => new SafeTensor("x", "F17", [1], [0]));
        Should.Throw<ArgumentException>(() => new SafeTensor("x", "F4", [3], [0, 0]));
        Should.Throw<ArgumentException>(() => new SafeTensor("__metadata__", [1], [1f]));
        Should.Throw<ArgumentException>(() => file.Add(new SafeTensor("half", [1], [1f])));
    }
}
