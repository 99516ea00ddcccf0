using System;
using System.IO;
using System.Linq;
using StaticNN.Serialization;
using StaticNN.Tests.Infrastructure;
using StaticNN.Tests.Serialization;

namespace StaticNN.Tests.Reliability;

/// <summary>
/// Issue 18, item 6: a killed Save left its temporary file behind for good (57 files after 300 kills). The temporary
/// file now has one well-known name per target, reclaimed by the next save; the folder is flushed after the rename.
/// (The real kills are in <see cref="WeightFileCrashTests"/>; these tests stage what a kill leaves.)
/// </summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void LeftoverOfAKilledSave_IsReclaimedByTheNextSave()
    {
        string path = _folder.File("net.safetensors");
        string leftover = _folder.File(SafeTensorsIO.TemporaryName("net.safetensors"));
        File.WriteAllBytes(leftover, new byte[12_345]); // what a save killed mid-write leaves
        WeightFileIrisNet network = TestData.Randomized<WeightFileIrisNet>(seed: 8);

        network.Save(path);

        Directory.GetFiles(_folder.Path).Select(Path.GetFileName).ShouldBe(["net.safetensors"]);
        var loaded = new WeightFileIrisNet(seed: 1);
        loaded.Load(path);
        loaded.Parameters.ToArray().ShouldBe(network.Parameters.ToArray());
    }

    [Fact]
    public void SaveWhileAnotherSaveHoldsTheTemporaryName_UsesAUniqueNameAndLeavesItsOwnNothing()
    {
        string path = _folder.File("net.safetensors");
        string temporary = _folder.File(SafeTensorsIO.TemporaryName("net.safetensors"));
        WeightFileIrisNet network = TestData.Randomized<WeightFileIrisNet>(seed: 9);
        using (var running = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            running.Write(new byte[100]); // a save in progress: it must be neither truncated nor replaced

            network.Save(path);

            running.Length.ShouldBe(100);
            Directory.GetFiles(_folder.Path).Select(Path.GetFileName).Order().ShouldBe([".net.safetensors.tmp", "net.safetensors"]);
        }
        new WeightFileIrisNet(seed: 1).Load(path).ShouldBeEmpty();
    }

    [Fact]
    public void DirectoryFlush_RunsOnUnixAndReportsAMissingFolder()
    {
        bool unix = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

        DirectorySync.Flush(_folder.Path).ShouldBe(unix);
        DirectorySync.Flush(_folder.File("missing")).ShouldBeFalse();
    }

    [Fact]
    public void TemporaryName_IsOnePerTargetAndKeepsLongNamesWithinLimits()
    {
        SafeTensorsIO.TemporaryName("a.safetensors").ShouldBe(".a.safetensors.tmp");
        SafeTensorsIO.TemporaryName(new string('x', 250)).Length.ShouldBe(105);
    }
}
