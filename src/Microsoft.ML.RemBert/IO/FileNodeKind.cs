namespace Microsoft.ML.RemBert.IO;

/// <summary>What a path names on disk, as <c>lstat</c>/<c>stat</c> report it.</summary>
internal enum FileNodeKind
{
    /// <summary>Nothing exists at the path.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    RegularFile,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (only from <c>lstat</c>, which does not follow it).</summary>
    SymbolicLink,

    /// <summary>A character device such as <c>/dev/null</c> or a terminal.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A named pipe (FIFO).</summary>
    Fifo,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>Anything else the platform reports.</summary>
    Other,
}

/// <summary>Human-readable names of <see cref="FileNodeKind"/> for error messages.</summary>
internal static class FileNodeKinds
{
    public static string Describe(this FileNodeKind kind) => kind switch
    {
        FileNodeKind.Missing => "missing",
        FileNodeKind.RegularFile => "a regular file",
        FileNodeKind.Directory => "a directory",
        FileNodeKind.SymbolicLink => "a symbolic link",
        FileNodeKind.CharacterDevice => "a character device",
        FileNodeKind.BlockDevice => "a block device",
        FileNodeKind.Fifo => "a named pipe (FIFO)",
        FileNodeKind.Socket => "a socket",
        _ => "neither a regular file nor a directory",
    };
}
