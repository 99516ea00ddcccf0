using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticNN.Generator.Emitting;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>
/// Verify-style snapshots without Verify. Each generated file is compared with
/// <c>Snapshots/{TestClass}.{TestMethod}#{HintName without .cs}.verified.cs</c>, whose first line is <c>//HintName: …</c>.
/// On a mismatch or a missing file a <c>.received.cs</c> is written next to it and the test fails with the first differing
/// lines. <c>SNN_ACCEPT_SNAPSHOTS=1</c> overwrites the verified files instead (ignored when <c>CI=true</c>).
/// </summary>
internal static class SnapshotAssert
{
    public const string AcceptVariable = "SNN_ACCEPT_SNAPSHOTS";

    private const string VerifiedSuffix = ".verified";
    private const string ReceivedSuffix = ".received";

    /// <summary>True when snapshots should be overwritten rather than compared.</summary>
    public static bool AcceptMode =>
        Environment.GetEnvironmentVariable(AcceptVariable) == "1"
        && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The text that is stored: <c>\n</c> line endings and the generator version replaced by <c>%VERSION%</c>.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace(EmitterText.Version, "%VERSION%");

    /// <summary>
    /// Compares every generated source with its snapshot, and fails on snapshots of this test that no file matches any
    /// more (a renamed or removed hint name).
    /// </summary>
    public static void MatchesSources(
        IReadOnlyDictionary<string, string> sources,
        [CallerFilePath] string testFile = "",
        [CallerMemberName] string testMethod = "")
    {
        sources.ShouldNotBeEmpty("there is nothing to snapshot");
        string prefix = Prefix(testFile, testMethod) + "#";
        var failures = new List<string>();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string hintName, string source) in sources)
        {
            string stem = hintName.EndsWith(".cs", StringComparison.Ordinal) ? hintName[..^3] : hintName;
            string baseName = prefix + stem;
            expectedFiles.Add(baseName + VerifiedSuffix + ".cs");
            string? failure = Compare(baseName, ".cs", $"//HintName: {hintName}\n{Normalize(source)}");
            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        string directory = RepositoryPaths.Snapshots;
        string testPrefix = Path.GetFileName(prefix);
        foreach (string stale in Directory.EnumerateFiles(directory, testPrefix + "*" + VerifiedSuffix + ".cs")
                     .Select(Path.GetFileName).OfType<string>().Where(f => !expectedFiles.Contains(Path.Combine(directory, f))).Order())
        {
            if (AcceptMode)
            {
                File.Delete(Path.Combine(directory, stale));
            }
            else
            {
                failures.Add($"Stale snapshot {stale}: no generated file has this hint name any more. Delete it or run with {AcceptVariable}=1.");
            }
        }

        if (failures.Count > 0)
        {
            throw new ShouldAssertException(string.Join("\n\n", failures));
        }
    }

    /// <summary>Compares diagnostics (ID, severity, line:col span, message) with <c>{TestClass}.{TestMethod}.diagnostics.verified.txt</c>.</summary>
    public static void MatchesDiagnostics(
        IEnumerable<Diagnostic> diagnostics,
        [CallerFilePath] string testFile = "",
        [CallerMemberName] string testMethod = "")
    {
        string? failure = Compare(Prefix(testFile, testMethod) + ".diagnostics", ".txt", FormatDiagnostics(diagnostics));
        if (failure is not null)
        {
            throw new ShouldAssertException(failure);
        }
    }

    /// <summary>One line per diagnostic, in location order: <c>SNN0010 Warning Test0.cs (4,2)-(4,45): message</c>.</summary>
    public static string FormatDiagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (Diagnostic d in diagnostics
                     .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                     .ThenBy(d => d.Location.SourceSpan.Start)
                     .ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            FileLinePositionSpan span = d.Location.GetLineSpan();
            string where = d.Location.IsInSource
                ? $"{Path.GetFileName(span.Path)} ({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})"
                : "(no location)";
            string suppressed = d.IsSuppressed ? " [suppressed]" : "";
            text.Append($"{d.Id} {d.Severity}{suppressed} {where}: {d.GetMessage(CultureInfo.InvariantCulture)}\n");
        }
        return text.Length == 0 ? "(no diagnostics)\n" : text.ToString();
    }

    private static string Prefix(string testFile, string testMethod)
    {
        Directory.CreateDirectory(RepositoryPaths.Snapshots);
        return Path.Combine(RepositoryPaths.Snapshots, $"{Path.GetFileNameWithoutExtension(testFile)}.{testMethod}");
    }

    /// <summary>Null when the snapshot matches (or was accepted); otherwise the failure message.</summary>
    private static string? Compare(string baseName, string extension, string actual)
    {
        string verified = baseName + VerifiedSuffix + extension;
        string received = baseName + ReceivedSuffix + extension;
        string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return null;
        }
        if (AcceptMode)
        {
            File.WriteAllText(verified, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Delete(received);
            return null;
        }
        File.WriteAllText(received, actual, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        string name = Path.GetFileName(verified);
        return expected is null
            ? $"Missing snapshot {name}; wrote {Path.GetFileName(received)}. Review it and run with {AcceptVariable}=1 to accept."
            : $"Snapshot {name} differs; wrote {Path.GetFileName(received)}. Review it and run with {AcceptVariable}=1 to accept.\n{FirstDifference(expected, actual)}";
    }

    /// <summary>The first differing line with a little context, as LoggerMessage's CompareLines reports it.</summary>
    internal static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }
        var text = new StringBuilder();
        text.Append($"First difference at line {line + 1} (verified has {e.Length} lines, received {a.Length}):\n");
        for (int i = Math.Max(0, line - 2); i < line; i++)
        {
            text.Append($"    {i + 1,5}   {e[i]}\n");
        }
        for (int i = line; i < Math.Min(e.Length, line + 3); i++)
        {
            text.Append($"  - {i + 1,5}   {e[i]}\n");
        }
        for (int i = line; i < Math.Min(a.Length, line + 3); i++)
        {
            text.Append($"  + {i + 1,5}   {a[i]}\n");
        }
        return text.ToString();
    }
}
