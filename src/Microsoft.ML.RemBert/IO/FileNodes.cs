using System.Runtime.InteropServices;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// The kind of node at a path (<see cref="FileNodeKind"/>), which .NET's file APIs do not expose: on Unix through the
/// runtime's own <c>libSystem.Native</c> (<c>SystemNative_LStat</c>/<c>SystemNative_Stat</c>, whose status record
/// begins with two stable 32-bit fields, flags and mode), elsewhere from <see cref="File"/>/<see cref="Directory"/>.
/// </summary>
internal static class FileNodes
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int TypeMask = 0xF000;

    /// <summary>The node at <paramref name="path"/> itself; a symbolic link is reported as one, not followed.</summary>
    public static FileNodeKind KindOf(string path) => Query(path, followLinks: false);

    /// <summary>The node <paramref name="path"/> leads to, following symbolic links (<see cref="FileNodeKind.Missing"/> for a dangling one).</summary>
    public static FileNodeKind KindOfTarget(string path) => Query(path, followLinks: true);

    private static FileNodeKind Query(string path, bool followLinks)
    {
        if (OperatingSystem.IsWindows())
            return Directory.Exists(path) ? FileNodeKind.Directory : File.Exists(path) ? FileNodeKind.RegularFile : FileNodeKind.Missing;
        int result = followLinks ? Native.Stat(path, out var status) : Native.LStat(path, out status);
        if (result != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return FileNodeKind.Missing;
            throw new IOException($"{path}: cannot read its file status (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
        }
        return (status.Mode & TypeMask) switch
        {
            0x8000 => FileNodeKind.RegularFile,
            0x4000 => FileNodeKind.Directory,
            0xA000 => FileNodeKind.SymbolicLink,
            0x2000 => FileNodeKind.CharacterDevice,
            0x6000 => FileNodeKind.BlockDevice,
            0x1000 => FileNodeKind.Fifo,
            0xC000 => FileNodeKind.Socket,
            _ => FileNodeKind.Other,
        };
    }

    /// <summary>Makes <paramref name="link"/> a second name (hard link) of the existing file <paramref name="existing"/>; false where the file system refuses.</summary>
    internal static bool TryCreateHardLink(string existing, string link) =>
        !OperatingSystem.IsWindows() && Native.Link(existing, link) == 0;

    /// <summary>The runtime's status record: only the first two fields are read; the size leaves room for the rest.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    private static class Native
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
        public static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        public static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

        [DllImport("libc", EntryPoint = "link", SetLastError = true)]
        public static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);
    }
}
