using System;
using System.Globalization;
using System.IO;
using System.Text;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability;

/// <summary>The safetensors input of issue 18 that allocated 16 times its size, as regression tests of the loader contract.</summary>
public sealed class SafeTensorsHostileInputTests(ITestOutputHelper output)
{
    /// <summary>The safetensors bound of the README: 8 bytes per byte of the file plus 1 MB.</summary>
    internal const double BytesPerByte = 8;

    /// <summary>A valid file of <paramref name="count"/> empty F32 tensors (shape [0]): all header, no data.</summary>
    internal static byte[] ManyEmptyTensors(int count)
    {
        var json = new StringBuilder(count * 56).Append('{');
        for (int i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        }
        return SafeTensorsBytes.Make(json.Append('}').ToString(), []);
    }

    [Fact]
    public void HeaderOfAMillionEntries_ReadAllocatesAFewTimesTheFileNotSixteen()
    {
        byte[] file = ManyEmptyTensors(1_000_000);

        LoadOutcome<SafeTensorsFile> outcome = LoaderContract.Run(() => SafeTensorsFile.Read(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        outcome.Error.ShouldBeNull();
        outcome.Result!.Tensors.Count.ShouldBe(1_000_000);
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }

    [Fact]
    public void HeaderOfAMillionEntries_LoadIntoANetworkThrowsWithinTheBound()
    {
        byte[] file = ManyEmptyTensors(1_000_000);
        var network = new WeightFileIrisNet(seed: 4);
        float[] before = network.Parameters.ToArray();

        LoadOutcome<object> outcome = LoaderContract.Run<object>(() => network.Load(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        outcome.ShouldFailWith<WeightFileException, object>().Reason.ShouldStartWith("tensor layers.0.weight (WeightFileIrisNet layer 0: Dense 4 -> 10, weight, shape [10, 4]) is missing; the file has t0, t1, t2");
        network.Parameters.ToArray().ShouldBe(before);
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }
}
