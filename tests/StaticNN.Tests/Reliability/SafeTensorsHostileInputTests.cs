using System;
using System.Linq;
using System.Globalization;
using System.IO;
using System.Text;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;
using Xunit.Abstractions;

namespace StaticNN.Tests.Reliability;

/// <summary>
/// The safetensors inputs of issue 18 that allocated 16 times their size, and those the fuzz suite and its follow-up
/// probes found (messages quoting megabytes of the file, shapes and offsets of a million values, metadata of many
/// tiny entries), as regression tests of the loader contract.
/// </summary>
public sealed class SafeTensorsHostileInputTests(ITestOutputHelper output)
{
    /// <summary>
    /// The safetensors bound of the README: 12 bytes per byte of the file plus 1 MB. The worst input known is metadata of
    /// hundreds of thousands of 3-character keys with 1-character values (10.2 bytes per byte: a string pair and a
    /// map entry per 10 bytes of JSON); a header of a million empty tensors takes 6.1 to read and 5.6 to load into a network.
    /// </summary>
    internal const double BytesPerByte = 12;

    /// <summary>The longest reason a message may have when the file's names and values are megabytes long.</summary>
    private const int ShortReason = 300;

    private static string Repeat(char c, int count) => new(c, count);

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

    [Fact]
    public void ShapeOfAMillionDimensions_IsRejectedBeforeItIsStored()
    {
        byte[] file = SafeTensorsBytes.Make($"{{\"t\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', Enumerable.Repeat('0', 1_000_000))}],\"data_offsets\":[0,0]}}}}", []);

        LoadOutcome<SafeTensorsFile> outcome = LoaderContract.Run(() => SafeTensorsFile.Read(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        outcome.ShouldFailWith<WeightFileException, SafeTensorsFile>().Reason.ShouldBe($"the shape of tensor 't' has more than {SafeTensorsFile.MaxRank} dimensions (SafeTensorsFile.MaxRank)");
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }

    [Fact]
    public void ShapeOfMaxRankDimensions_StillLoads()
    {
        byte[] file = SafeTensorsBytes.Make($"{{\"t\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', Enumerable.Repeat('1', SafeTensorsFile.MaxRank))}],\"data_offsets\":[0,4]}}}}", SafeTensorsBytes.F32(2.5f));

        SafeTensorsFile read = SafeTensorsFile.Read(new MemoryStream(file));

        read["t"].Shape.Count.ShouldBe(SafeTensorsFile.MaxRank);
    }

    [Fact]
    public void DataOffsetsOfAMillionValues_AreRejectedAtTheThirdValue()
    {
        byte[] file = SafeTensorsBytes.Make($"{{\"t\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[{string.Join(',', Enumerable.Repeat('0', 1_000_000))}]}}}}", []);

        LoadOutcome<SafeTensorsFile> outcome = LoaderContract.Run(() => SafeTensorsFile.Read(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        outcome.ShouldFailWith<WeightFileException, SafeTensorsFile>().Reason.ShouldBe("the data_offsets of tensor 't' have more than 2 values instead of [begin, end]");
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }

    [Fact]
    public void MetadataOfThreeHundredThousandTinyEntries_IsReadWithinTheBound()
    {
        // 3-character keys and 1-character values: the most strings and map entries per byte of JSON.
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+!"; // 67^3 > 300,000 keys
        var json = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < 300_000; i++)
        {
            json.Append(i == 0 ? "\"" : ",\"").Append(Alphabet[i % 67]).Append(Alphabet[i / 67 % 67]).Append(Alphabet[i / (67 * 67)]).Append("\":\"v\"");
        }
        byte[] file = SafeTensorsBytes.Make(json.Append("}}").ToString(), []);

        LoadOutcome<SafeTensorsFile> outcome = LoaderContract.Run(() => SafeTensorsFile.Read(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        outcome.Error.ShouldBeNull();
        outcome.Result!.Metadata.Count.ShouldBe(300_000);
        outcome.Result.Metadata["bcb"].ShouldBe("v");
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }

    [Fact]
    public void InvalidLiteralTheSizeOfTheHeader_FailsNamingTheByteAndQuotingAFew()
    {
        // Found by SafeTensorsFuzzTests: a fragment repeated after a broken quote made the rest of the header one
        // invalid literal, and System.Text.Json's message quoted all of it (8 bytes allocated per byte).
        byte[] file = SafeTensorsBytes.Make($"{{\"t\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"x\":t{Repeat('y', 4_000_000)}}}}}", []);

        LoadOutcome<SafeTensorsFile> outcome = LoaderContract.Run(() => SafeTensorsFile.Read(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        string reason = outcome.ShouldFailWith<WeightFileException, SafeTensorsFile>().Reason;
        reason.ShouldBe("the header is not valid JSON at byte 57 of the header (byte 65 of the file): 'tyyyyyyyyyyyyyyy...' is not true, false or null");
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }

    [Theory]
    [InlineData("{\"N\":{\"dtype\":\"X\",\"shape\":[0],\"data_offsets\":[0,0]}}")]
    [InlineData("{\"t\":{\"dtype\":\"N\",\"shape\":[0],\"data_offsets\":[0,0]}}")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[D],\"data_offsets\":[0,0]}}")]
    [InlineData("{\"N\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"N\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")]
    [InlineData("{\"__metadata__\":{\"N\":\"\",\"N\":\"\"}}")]
    [InlineData("{\"__metadata__\":{\"N\":7}}")]
    [InlineData("{\"N\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[10,4],\"data_offsets\":[0,160]},\"N\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[160,160]}}")]
    public void NamesAndValuesOfMegabytes_AreQuotedClippedInTheMessage(string template)
    {
        // N: a 2-million-character name; D: 2 million digits.
        string json = template.Replace("N", Repeat('n', 2_000_000), StringComparison.Ordinal).Replace("D", Repeat('9', 2_000_000), StringComparison.Ordinal);
        int dataLength = template.Contains("160]", StringComparison.Ordinal) ? 160 : template.Contains("[0,4]", StringComparison.Ordinal) ? 4 : 0;
        byte[] file = SafeTensorsBytes.Make(json, new byte[dataLength]);
        var network = new WeightFileIrisNet(seed: 4);

        LoadOutcome<object> outcome = LoaderContract.Run<object>(() => network.Load(new MemoryStream(file)));

        output.WriteLine($"{file.Length:N0} bytes: allocated {outcome.Allocated:N0} ({(double)outcome.Allocated / file.Length:F2} per byte)");
        string reason = outcome.ShouldFailWith<WeightFileException, object>().Reason;
        output.WriteLine(reason);
        reason.Length.ShouldBeLessThan(ShortReason);
        reason.ShouldContain(new string(json.Contains("nnnn", StringComparison.Ordinal) ? 'n' : '9', SafeTensorsHeader.QuotedLength) + "...");
        outcome.ShouldAllocateAtMost(BytesPerByte, file.Length);
    }
}
