namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Opens a file the user named for reading, refusing what would never end or never fit before reading a byte: the
/// path must lead (through any symbolic links) to a regular file — not <c>/dev/zero</c>, a FIFO, a directory — of at
/// most a given size. Every reader of a user-given file goes through here.
/// </summary>
internal static class BoundedInputFile
{
    /// <summary>Opens <paramref name="path"/> for reading after the checks above.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted; the message names it when the file is larger.</param>
    /// <param name="what">What the file should be, for messages (e.g. "a SentencePiece model").</param>
    /// <exception cref="FileNotFoundException">Nothing exists at the path (or a symbolic link there dangles).</exception>
    /// <exception cref="FileRefusedException">The path is not a regular file, or it is larger than <paramref name="maxBytes"/>.</exception>
    public static FileStream Open(string path, long maxBytes, string what)
    {
        var kind = FileNodes.KindOfTarget(path);
        if (kind == FileNodeKind.Missing) throw new FileNotFoundException($"{path}: no such file (expected {what}).", path);
        if (kind != FileNodeKind.RegularFile)
            throw new FileRefusedException(path, $"{path} is {kind.Describe()}, not a regular file (expected {what}).");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        if (stream.Length > maxBytes)
        {
            long length = stream.Length;
            stream.Dispose();
            throw new FileRefusedException(path, $"{path} is {length:N0} bytes, more than the {maxBytes:N0} accepted for {what}.");
        }
        return stream;
    }

    /// <summary>Reads the whole of <paramref name="path"/> after the checks of <see cref="Open"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        using var stream = Open(path, maxBytes, what);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
