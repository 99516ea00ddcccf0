using System.IO;
using System.Runtime.CompilerServices;

namespace StaticNN.Generator.Tests.Infrastructure;

/// <summary>Folders of the source tree, found from this file's compile-time path so snapshots land in the tree, not in bin/.</summary>
internal static class RepositoryPaths
{
    /// <summary>tests/StaticNN.Generator.Tests.</summary>
    public static string TestProject { get; } = FindTestProject();

    /// <summary>The repository root (holds StaticNN.sln).</summary>
    public static string Root { get; } = Path.GetFullPath(Path.Combine(TestProject, "..", ".."));

    public static string Snapshots => Path.Combine(TestProject, "Snapshots");

    public static string Generator => Path.Combine(Root, "generator", "StaticNN.Generator");

    public static string DiagnosticDocs => Path.Combine(Root, "docs", "diagnostics");

    private static string FindTestProject([CallerFilePath] string thisFile = "")
    {
        string directory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, ".."));
        File.Exists(Path.Combine(directory, "StaticNN.Generator.Tests.csproj")).ShouldBeTrue(
            $"[CallerFilePath] gave '{thisFile}', which is not inside the test project (is PathMap set?)");
        return directory;
    }
}
