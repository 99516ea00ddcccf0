using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using SharpFuzz;
using StaticNN.Data;
using StaticNN.Serialization;
using StaticNN.Tests.Reliability.Fuzzing;

namespace StaticNN.Fuzz;

/// <summary>The network weight files are loaded into (the Iris shape: two dense layers, four tensors).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Dense(10, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public sealed partial class FuzzNet;

/// <summary>A broken promise of the loader contract; SharpFuzz reports it to AFL++ as a crash.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// Usage: <c>StaticNN.Fuzz csv|idx|safetensors</c> under afl-fuzz (the input arrives through SharpFuzz);
/// <c>StaticNN.Fuzz corpus &lt;folder&gt;</c> writes a valid seed input per target into folder/csv, folder/idx and
/// folder/safetensors; <c>StaticNN.Fuzz run csv|idx|safetensors &lt;file&gt;</c> runs one input (to reproduce a crash).
/// Each target calls the loaders, lets their documented exception pass, and throws <see cref="ContractViolationException"/>
/// when a load allocates more than the README's bound or a failed weight load changed the network; any other
/// exception escapes, and AFL++ records both as crashes. A hang is AFL++'s timeout (-t).
/// </summary>
public static class Program
{
    private static readonly string[] Targets = ["csv", "idx", "safetensors"];

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        switch (args)
        {
            case [string target] when Targets.Contains(target):
                Action<byte[]> check = Target(target);
                Fuzzer.OutOfProcess.Run(stream => check(ReadAll(stream)));
                return 0;
            case ["run", string target, string file] when Targets.Contains(target):
                Target(target)(File.ReadAllBytes(file));
                Console.WriteLine("no contract violation");
                return 0;
            case ["corpus", string folder]:
                WriteCorpus(folder);
                return 0;
            default:
                Console.Error.WriteLine("usage: StaticNN.Fuzz csv|idx|safetensors | run <target> <file> | corpus <folder>");
                return 2;
        }
    }

    private static Action<byte[]> Target(string name) => name switch
    {
        "csv" => Csv,
        "idx" => Idx,
        _ => SafeTensors,
    };

    private static byte[] ReadAll(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Default options and headerless regression: a data set or <see cref="CsvFormatException"/>, within 16 bytes per character plus 4 MB.</summary>
    private static void Csv(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input); // at most one character per byte, as when reading a file
        CsvOptions[] options = [new CsvOptions(), new CsvOptions { HasHeader = false, LabelKind = LabelKind.Regression, Delimiter = ';' }];
        foreach (CsvOptions option in options)
        {
            Bounded("CsvLoader.Load", text.Length, perByte: 16, slack: 4 << 20, () =>
            {
                try
                {
                    Dataset data = CsvLoader.Load(new StringReader(text), option);
                    Require(data.Features.Length == data.Count * data.FeatureSize, "the features do not match the count");
                }
                catch (CsvFormatException)
                {
                }
            });
        }
    }

    /// <summary>The file as images and as labels: the values or <see cref="InvalidDataException"/>, within 4 bytes per byte (raw) or 5 per decompressed byte (gzip) plus 1 MB.</summary>
    private static void Idx(byte[] input)
    {
        string path = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"staticnn-fuzz-{Environment.ProcessId}.idx"));
        File.WriteAllBytes(path, input);
        try
        {
            long decoded = GzipDecodedLength.Of(input);
            int perByte = decoded == input.Length ? 4 : 5;
            Bounded("IdxLoader.ReadImages", decoded, perByte, slack: 1 << 20, () =>
            {
                try
                {
                    float[] pixels = IdxLoader.ReadImages(path, out int count, out int rows, out int columns);
                    Require(pixels.Length == (long)count * rows * columns, "the pixels do not match the header");
                }
                catch (InvalidDataException)
                {
                }
            });
            Bounded("IdxLoader.ReadLabels", decoded, perByte, slack: 1 << 20, () =>
            {
                try
                {
                    IdxLoader.ReadLabels(path);
                }
                catch (InvalidDataException)
                {
                }
            });
        }
        finally
        {
            File.Delete(path); // after each input, so none is left behind
        }
    }

    /// <summary>Read and load into a network: the file or <see cref="WeightFileException"/> with the network unchanged, within 12 bytes per byte plus 1 MB.</summary>
    private static void SafeTensors(byte[] input)
    {
        Bounded("SafeTensorsFile.Read", input.Length, perByte: 12, slack: 1 << 20, () =>
        {
            try
            {
                SafeTensorsFile.Read(new MemoryStream(input));
            }
            catch (WeightFileException)
            {
            }
        });
        var network = new FuzzNet(seed: 1);
        float[] before = network.Parameters.ToArray();
        Bounded("Load", input.Length, perByte: 12, slack: 1 << 20, () =>
        {
            try
            {
                network.Load(new MemoryStream(input));
            }
            catch (WeightFileException)
            {
                Require(network.Parameters.SequenceEqual(before), "a failed load changed the network");
            }
        });
    }

    /// <summary>Runs <paramref name="load"/> and throws when this thread allocated more than the bound.</summary>
    private static void Bounded(string what, long inputBytes, double perByte, long slack, Action load)
    {
        long start = GC.GetAllocatedBytesForCurrentThread();
        load();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        long bound = (long)(perByte * inputBytes) + slack;
        Require(allocated <= bound, string.Create(CultureInfo.InvariantCulture, $"{what} allocated {allocated:N0} bytes for {inputBytes:N0} input bytes, more than {perByte}x + {slack:N0}"));
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ContractViolationException(problem);
        }
    }

    private static void WriteCorpus(string folder)
    {
        foreach (string target in Targets)
        {
            Directory.CreateDirectory(Path.Combine(folder, target));
        }
        File.WriteAllText(Path.Combine(folder, "csv", "iris.csv"),
            "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n\"7.0\",3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,\"vir,ginica\"\n");

        // 3 images of 4x4 pixels and their labels, the second gzipped.
        var images = new byte[16 + 3 * 16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images, IdxLoader.ImagesMagic);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), 3);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 4);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 4);
        for (int i = 16; i < images.Length; i++)
        {
            images[i] = (byte)(i * 37);
        }
        File.WriteAllBytes(Path.Combine(folder, "idx", "images.idx"), images);
        var labels = new byte[8 + 3];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(labels, IdxLoader.LabelsMagic);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), 3);
        labels[8] = 0;
        labels[9] = 7;
        labels[10] = 2;
        using (var gz = new GZipStream(File.Create(Path.Combine(folder, "idx", "labels.idx.gz")), CompressionLevel.Optimal))
        {
            gz.Write(labels);
        }

        new FuzzNet(seed: 3).Save(Path.Combine(folder, "safetensors", "fuzznet.safetensors"), new Dictionary<string, string> { ["epoch"] = "7" });
    }
}
