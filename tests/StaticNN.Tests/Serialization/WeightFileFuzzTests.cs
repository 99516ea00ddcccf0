using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StaticNN.Tests.Serialization;

/// <summary>
/// Seeded random corruptions of a valid file: loading may succeed or throw <see cref="WeightFileException"/>, nothing
/// else; a failed load leaves the network unchanged and a successful one leaves it usable.
/// </summary>
public sealed class WeightFileFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 3000;

    private static byte[] ValidFile()
    {
        WeightFileIrisNet network = TestData.Randomized<WeightFileIrisNet>(seed: 31);
        var stream = new MemoryStream();
        network.Save(stream, new Dictionary<string, string> { ["epoch"] = "7", ["note"] = "fuzz" });
        return stream.ToArray();
    }

    /// <summary>Applies one random mutation; returns a description that reproduces it.</summary>
    private static (byte[] Bytes, string Description) Mutate(byte[] valid, Random random)
    {
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var bytes = (byte[])valid.Clone();
        int kind = random.Next(9);
        switch (kind)
        {
            case 0:
            {
                int flips = random.Next(1, 5);
                var positions = new List<string>();
                for (int i = 0; i < flips; i++)
                {
                    int position = random.Next(bytes.Length);
                    int bit = random.Next(8);
                    bytes[position] ^= (byte)(1 << bit);
                    positions.Add($"{position}:{bit}");
                }
                return (bytes, $"flip bits {string.Join(", ", positions)}");
            }
            case 1:
            {
                // Bit flips inside the JSON, where the parser's decisions are.
                int position = random.Next(8, headerEnd);
                int bit = random.Next(8);
                bytes[position] ^= (byte)(1 << bit);
                return (bytes, $"flip header bit {position}:{bit}");
            }
            case 2:
            {
                int position = random.Next(bytes.Length);
                int count = random.Next(1, 9);
                for (int i = position; i < Math.Min(bytes.Length, position + count); i++)
                {
                    bytes[i] = (byte)random.Next(256);
                }
                return (bytes, $"overwrite {count} bytes at {position}");
            }
            case 3:
            {
                // Replace one header byte with a JSON-significant character.
                const string Significant = "{}[],:\"0123456789-.eE \\ntfu";
                int position = random.Next(8, headerEnd);
                char c = Significant[random.Next(Significant.Length)];
                bytes[position] = (byte)c;
                return (bytes, $"set header byte {position} to '{c}'");
            }
            case 4:
            {
                int length = random.Next(bytes.Length);
                return (bytes[..length], $"truncate to {length}");
            }
            case 5:
            {
                ulong original = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                ulong value = random.Next(4) switch
                {
                    0 => original + (ulong)random.Next(1, 64),
                    1 => original - (ulong)random.Next(1, (int)original + 1),
                    2 => (ulong)random.NextInt64(),
                    _ => ulong.MaxValue - (ulong)random.Next(16),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                return (bytes, $"header length {value}");
            }
            case 6:
            {
                int position = random.Next(bytes.Length + 1);
                byte[] inserted = new byte[random.Next(1, 17)];
                random.NextBytes(inserted);
                return ([.. bytes[..position], .. inserted, .. bytes[position..]], $"insert {inserted.Length} bytes at {position}");
            }
            case 7:
            {
                int position = random.Next(bytes.Length);
                int count = random.Next(1, Math.Min(32, bytes.Length - position) + 1);
                return ([.. bytes[..position], .. bytes[(position + count)..]], $"delete {count} bytes at {position}");
            }
            default:
            {
                // Edit a number in the header (a shape or an offset) to a nearby or extreme value.
                string header = Encoding.UTF8.GetString(bytes, 8, headerEnd - 8);
                int[] digits = Enumerable.Range(0, header.Length).Where(i => char.IsAsciiDigit(header[i]) && (i == 0 || !char.IsAsciiDigit(header[i - 1]))).ToArray();
                int start = digits[random.Next(digits.Length)];
                int end = start;
                while (end < header.Length && char.IsAsciiDigit(header[end]))
                {
                    end++;
                }
                string[] replacements = ["0", "1", "3", "4", "39", "41", "120", "332", "-1", "1e3", "2.0", "99999999999999999999", "9223372036854775807", "4611686018427387904"];
                string replacement = replacements[random.Next(replacements.Length)];
                string edited = header[..start] + replacement + header[end..];
                byte[] json = Encoding.UTF8.GetBytes(edited);
                byte[] file = [.. new byte[8], .. json, .. bytes[headerEnd..]];
                BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
                return (file, $"replace number at header char {start} ('{header[start..end]}') with {replacement}");
            }
        }
    }

    [Fact]
    public void RandomCorruptions_OnlyEverThrowWeightFileException()
    {
        byte[] valid = ValidFile();
        var network = new WeightFileIrisNet(seed: 1);
        float[] reference = TestData.Randomized<WeightFileIrisNet>(seed: 77).Parameters.ToArray();
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();
        var prediction = new float[3];

        for (int seed = 0; seed < Iterations; seed++)
        {
            (byte[] bytes, string description) = Mutate(valid, new Random(seed));
            reference.CopyTo(network.Parameters);
            Stream stream = seed % 10 == 0 ? new ForwardOnlyStream(bytes) : new MemoryStream(bytes);
            try
            {
                network.Load(stream);
                // Success: the network must be usable.
                network.Predict([0.1f, 0.2f, 0.3f, 0.4f], prediction);
                network.GetLayerParameters(1, new float[30], new float[3]);
                Count(outcomes, "loaded");
            }
            catch (WeightFileException e)
            {
                if (!network.Parameters.SequenceEqual(reference))
                {
                    failures.Add($"seed {seed} ({description}): a failed load changed the network ({e.Reason})");
                }
                Count(outcomes, Classify(e.Reason));
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed} ({description}): {e.GetType().Name}: {e.Message}");
            }

            try
            {
                SafeTensorsFile.Read(new MemoryStream(bytes));
            }
            catch (WeightFileException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed} ({description}) SafeTensorsFile.Read: {e.GetType().Name}: {e.Message}");
            }
        }

        output.WriteLine($"{Iterations} mutations in {stopwatch.ElapsedMilliseconds} ms: " +
            string.Join(", ", outcomes.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
        failures.Count.ShouldBe(0, $"{failures.Count} failures, the first ones:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");
        // The mutations exercise both outcomes and many different rules.
        outcomes.GetValueOrDefault("loaded").ShouldBeGreaterThan(50);
        outcomes.Count.ShouldBeGreaterThan(8);
    }

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;

    /// <summary>A short class for the reason, for the summary (digits and names removed).</summary>
    private static string Classify(string reason)
    {
        string[] words = reason.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Where(w => !w.Any(char.IsAsciiDigit) && !w.Contains('\'', StringComparison.Ordinal) && !w.Contains('.', StringComparison.Ordinal)).Take(5));
    }
}
