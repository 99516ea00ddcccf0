using System;
using System.Runtime.InteropServices;

namespace StaticNN.Serialization;

/// <summary>
/// Makes a rename durable: fsync on the directory that holds the file, so a power loss after <c>Save</c> returned
/// cannot bring back the old name's contents.
/// </summary>
/// <remarks>
/// .NET has no API for it: <c>File.OpenHandle</c> refuses a directory (UnauthorizedAccessException on Linux) and
/// <c>RandomAccess.FlushToDisk</c> needs such a handle. So on Linux, macOS and FreeBSD this opens the directory
/// read-only through libc and calls <c>fsync</c> on it (LibraryImport: source-generated marshalling, trim- and
/// AOT-safe). On Windows a directory cannot be flushed this way and NTFS journals the rename itself, so nothing is
/// done. Best effort: a directory that cannot be opened (no read permission) or a file system that does not support
/// it (EINVAL) is skipped, because the file itself was already flushed and renamed.
/// </remarks>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on every Unix

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk where the platform allows it; whether it did. Never throws.</summary>
    public static bool Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return false;
        }
        try
        {
            int fd = Open(directory, ReadOnly);
            if (fd < 0)
            {
                return false;
            }
            bool flushed = FSync(fd) == 0;
            _ = Close(fd);
            return flushed;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
