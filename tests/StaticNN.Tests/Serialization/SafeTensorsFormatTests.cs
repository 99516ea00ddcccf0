using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;

namespace StaticNN.Tests.Serialization;

/// <summary>The bytes on disk: files as PyTorch's safetensors writes them load correctly, and ours parse as the spec says.</summary>
public sealed class SafeTensorsFormatTests
{
    // safetensors.torch.save_file(nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 3)).state_dict(), path):
    // names sorted (all F32), compact JSON with the fields in the order dtype, shape, data_offsets, __metadata__ first
    // when given (transformers passes {"format": "pt"}), header padded with spaces to a multiple of 8.
    private const string PyTorchMetadata = "\"__metadata__\":{\"format\":\"pt\"},";

    private const string PyTorchSequentialHeader =
        "{\"0.bias\":{\"dtype\":\"F32\",\"shape\":[10],\"data_offsets\":[0,40]}," +
        "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[10,4],\"data_offsets\":[40,200]}," +
        "\"2.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[200,212]}," +
        "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[3,10],\"data_offsets\":[212,332]}}";

    private static (float[] W0, float[] B0, float[] W1, float[] B1) PyTorchValues()
    {
        // weight[o, i] row-major; every value distinct so a transposition or a swapped tensor shows.
        float[] w0 = Enumerable.Range(0, 40).Select(k => (k / 4 + 1) * 0.1f * ((k % 4) - 1.5f)).ToArray();
        float[] b0 = Enumerable.Range(0, 10).Select(o => 0.05f * o - 0.2f).ToArray();
        float[] w1 = Enumerable.Range(0, 30).Select(k => 0.02f * (k / 10 + 1) * ((k % 10) - 4.5f)).ToArray();
        float[] b1 = [0.3f, -0.1f, 0.2f];
        return (w0, b0, w1, b1);
    }

    private static byte[] PyTorchSequentialFile(bool withMetadata)
    {
        (float[] w0, float[] b0, float[] w1, float[] b1) = PyTorchValues();
        byte[] json = Encoding.ASCII.GetBytes(withMetadata ? PyTorchSequentialHeader.Insert(1, PyTorchMetadata) : PyTorchSequentialHeader);
        int padded = (json.Length + 7) / 8 * 8;
        var file = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.AddRange(length);
        file.AddRange(json);
        file.AddRange(Enumerable.Repeat((byte)' ', padded - json.Length));
        foreach (float[] tensor in new[] { b0, w0, b1, w1 }) // data in the header's offset order
        {
            foreach (float v in tensor)
            {
                var bytes = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                file.AddRange(bytes);
            }
        }
        return [.. file];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PyTorchSequentialFile_LoadsIntoTheRightPlaces(bool withMetadata)
    {
        byte[] file = PyTorchSequentialFile(withMetadata);
        // Without metadata the JSON is exactly 256 bytes (no padding); with it, 287 bytes + 1 space.
        int headerLength = withMetadata ? 288 : 256;
        BinaryPrimitives.ReadUInt64LittleEndian(file).ShouldBe((ulong)headerLength);
        file[8 + headerLength - 1].ShouldBe(withMetadata ? (byte)' ' : (byte)'}');
        file.Length.ShouldBe(8 + headerLength + 332);

        var network = new WeightFileIrisNet(seed: 1);
        IReadOnlyDictionary<string, string> metadata = network.Load(new MemoryStream(file));
        metadata.ShouldBe(withMetadata ? new Dictionary<string, string> { ["format"] = "pt" } : []);

        (float[] w0, float[] b0, float[] w1, float[] b1) = PyTorchValues();
        var weight0 = new float[40];
        var bias0 = new float[10];
        var weight1 = new float[30];
        var bias1 = new float[3];
        network.GetLayerParameters(0, weight0, bias0);
        network.GetLayerParameters(1, weight1, bias1);
        weight0.ShouldBe(w0);
        bias0.ShouldBe(b0);
        weight1.ShouldBe(w1);
        bias1.ShouldBe(b1);

        // And the network computes what PyTorch would: softmax(W1 relu(W0 x + b0) + b1), W[o, i] row-major.
        float[] x = [0.5f, -1f, 2f, 0.25f];
        var hidden = new float[10];
        for (int o = 0; o < 10; o++)
        {
            float sum = b0[o];
            for (int i = 0; i < 4; i++)
            {
                sum += w0[o * 4 + i] * x[i];
            }
            hidden[o] = MathF.Max(0f, sum);
        }
        var logits = new double[3];
        for (int o = 0; o < 3; o++)
        {
            double sum = b1[o];
            for (int i = 0; i < 10; i++)
            {
                sum += w1[o * 10 + i] * hidden[i];
            }
            logits[o] = sum;
        }
        double max = logits.Max();
        double total = logits.Sum(l => Math.Exp(l - max));
        var output = new float[3];
        network.Predict(x, output);
        for (int o = 0; o < 3; o++)
        {
            output[o].ShouldBe((float)(Math.Exp(logits[o] - max) / total), 1e-5f);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SafeTensorsFileWriter_ReproducesThePyTorchBytesExactly(bool withMetadata)
    {
        (float[] w0, float[] b0, float[] w1, float[] b1) = PyTorchValues();
        var file = new SafeTensorsFile();
        // Added out of order on purpose: the writer sorts like the reference implementation.
        file.Add(new SafeTensor("2.weight", [3, 10], w1));
        file.Add(new SafeTensor("0.weight", [10, 4], w0));
        file.Add(new SafeTensor("2.bias", [3], b1));
        file.Add(new SafeTensor("0.bias", [10], b0));
        if (withMetadata)
        {
            file.Metadata["format"] = "pt";
        }
        var stream = new MemoryStream();
        file.Write(stream);
        stream.ToArray().ShouldBe(PyTorchSequentialFile(withMetadata));
    }

    [Fact]
    public void EmptyFiles_MatchTheReferenceImplementationsBytes()
    {
        // The reference implementation's own expectations: {} padded to 8; {"__metadata__":{"framework":"pt"}} padded to 40.
        var stream = new MemoryStream();
        new SafeTensorsFile().Write(stream);
        stream.ToArray().ShouldBe(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32 });

        var withMetadata = new SafeTensorsFile();
        withMetadata.Metadata["framework"] = "pt";
        stream = new MemoryStream();
        withMetadata.Write(stream);
        stream.ToArray().ShouldBe(SafeTensorsBytes.Make("{\"__metadata__\":{\"framework\":\"pt\"}}", []));
        stream.Length.ShouldBe(8 + 40);
    }

    [Fact]
    public void SavedFile_HeaderParsesAsTheSpecSays()
    {
        WeightFileIrisNet network = TestData.Randomized<WeightFileIrisNet>(seed: 12);
        var stream = new MemoryStream();
        network.Save(stream, new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        byte[] file = stream.ToArray();

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        (n % 8).ShouldBe(0UL);
        byte[] header = file[8..(8 + (int)n)];
        header[0].ShouldBe((byte)'{');
        int jsonEnd = Array.LastIndexOf(header, (byte)'}') + 1;
        header[jsonEnd..].ShouldAllBe(b => b == (byte)' ');
        (header.Length - jsonEnd).ShouldBeLessThan(8);
        byte[] data = file[(8 + (int)n)..];

        var reader = new Utf8JsonReader(header.AsSpan(0, jsonEnd));
        reader.Read().ShouldBeTrue();
        reader.TokenType.ShouldBe(JsonTokenType.StartObject);
        var keys = new List<string>();
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, (string DType, long[] Shape, long Begin, long End)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            keys.Add(key);
            reader.Read().ShouldBeTrue();
            reader.TokenType.ShouldBe(JsonTokenType.StartObject);
            if (key == "__metadata__")
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string k = reader.GetString()!;
                    reader.Read();
                    reader.TokenType.ShouldBe(JsonTokenType.String);
                    metadata[k] = reader.GetString()!;
                }
                continue;
            }
            var fields = new List<string>();
            string dtype = "";
            var shape = new List<long>();
            var offsets = new List<long>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string field = reader.GetString()!;
                fields.Add(field);
                reader.Read();
                if (field == "dtype")
                {
                    reader.TokenType.ShouldBe(JsonTokenType.String);
                    dtype = reader.GetString()!;
                    continue;
                }
                reader.TokenType.ShouldBe(JsonTokenType.StartArray);
                List<long> target = field == "shape" ? shape : offsets;
                while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    target.Add(reader.GetInt64());
                }
            }
            fields.ShouldBe(["dtype", "shape", "data_offsets"]);
            offsets.Count.ShouldBe(2);
            tensors[key] = (dtype, shape.ToArray(), offsets[0], offsets[1]);
        }
        reader.TokenType.ShouldBe(JsonTokenType.EndObject);
        reader.Read().ShouldBeFalse();

        keys.ShouldBe(["__metadata__", "layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"]);
        metadata.ShouldBe(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        tensors["layers.0.weight"].Shape.ShouldBe([10L, 4L]);
        tensors["layers.0.bias"].Shape.ShouldBe([10L]);
        tensors["layers.1.weight"].Shape.ShouldBe([3L, 10L]);
        tensors["layers.1.bias"].Shape.ShouldBe([3L]);
        long position = 0;
        foreach (string name in keys.Skip(1))
        {
            (string dtype, long[] shape, long begin, long end) = tensors[name];
            dtype.ShouldBe("F32");
            begin.ShouldBe(position);
            (end - begin).ShouldBe(shape.Aggregate(4L, (a, b) => a * b));
            position = end;
        }
        position.ShouldBe(data.Length);

        // The data is little-endian float32 in PyTorch's layout.
        for (int layer = 0; layer < 2; layer++)
        {
            LayerInfo info = WeightFileIrisNet.GetLayerInfo(layer);
            var weight = new float[info.WeightCount];
            var bias = new float[info.BiasCount];
            network.GetLayerParameters(layer, weight, bias);
            ReadFloats(data, tensors[$"layers.{layer}.weight"].Begin, weight.Length).ShouldBe(weight);
            ReadFloats(data, tensors[$"layers.{layer}.bias"].Begin, bias.Length).ShouldBe(bias);
        }
    }

    [Fact]
    public void SequentialNames_MapTheKthLinearToLayerK_WithGaps()
    {
        // nn.Sequential(Linear(3,5), ReLU(), Dropout(), Linear(5,4), Tanh(), Linear(4,2)): Linear modules 0, 3, 5.
        float[] w0 = TestData.Uniform(15, 1);
        float[] b0 = TestData.Uniform(5, 2);
        float[] w1 = TestData.Uniform(20, 3);
        float[] b1 = TestData.Uniform(4, 4);
        float[] w2 = TestData.Uniform(8, 5);
        float[] b2 = TestData.Uniform(2, 6);
        var file = new SafeTensorsFile();
        file.Add(new SafeTensor("0.weight", [5, 3], w0));
        file.Add(new SafeTensor("0.bias", [5], b0));
        file.Add(new SafeTensor("3.weight", [4, 5], w1));
        file.Add(new SafeTensor("3.bias", [4], b1));
        file.Add(new SafeTensor("5.weight", [2, 4], w2));
        file.Add(new SafeTensor("5.bias", [2], b2));
        var stream = new MemoryStream();
        file.Write(stream);
        stream.Position = 0;

        var network = new WeightFileThreeLayerNet();
        network.Load(stream);
        var expected = new WeightFileThreeLayerNet(seed: 7);
        expected.SetLayerParameters(0, w0, b0);
        expected.SetLayerParameters(1, w1, b1);
        expected.SetLayerParameters(2, w2, b2);
        network.Parameters.ToArray().ShouldBe(expected.Parameters.ToArray());
    }

    private static float[] ReadFloats(byte[] data, long begin, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan((int)begin + i * 4));
        }
        return values;
    }
}
