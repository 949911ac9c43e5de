namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// Where and how a write to a user-given output path goes. A regular file or a new path is replaced atomically (temporary
/// file, then rename). A character device or FIFO (<c>/dev/null</c>, <c>/dev/stdout</c>, a pipe) is written straight
/// to: renaming over it would destroy the node. A symbolic link is followed to its final target, which is then treated
/// by the same rules, so the link itself stays a link; links inside <c>/proc</c> (<c>/dev/stdout</c> →
/// <c>/proc/self/fd/1</c>) name an open file rather than a path, so they are written straight. Anything else is refused.
/// </summary>
internal sealed record OutputTarget(string RequestedPath, string FinalPath, bool ReplaceAtomically)
{
    private const int MaxLinkHops = 40;

    /// <summary>Resolves <paramref name="path"/>, throwing <see cref="FileRefusedException"/> (naming the path and its kind) before anything changes.</summary>
    public static OutputTarget Resolve(string path)
    {
        string current = Path.GetFullPath(path);
        for (int hops = 0; ; hops++)
        {
            var kind = FileNodes.KindOf(current);
            if (kind != FileNodeKind.SymbolicLink) return ForNode(path, current, kind);
            if (current.StartsWith("/proc/", StringComparison.Ordinal)) return ForMagicLink(path, current);
            if (hops == MaxLinkHops)
                throw new FileRefusedException(path, $"{path}: more than {MaxLinkHops} symbolic links to follow (a loop?).");
            string target = new FileInfo(current).LinkTarget!;
            current = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
        }
    }

    private static OutputTarget ForNode(string requested, string final, FileNodeKind kind)
    {
        switch (kind)
        {
            case FileNodeKind.RegularFile:
                return new OutputTarget(requested, final, ReplaceAtomically: true);
            case FileNodeKind.Missing:
                string directory = Path.GetDirectoryName(final)!;
                if (FileNodes.KindOfTarget(directory) != FileNodeKind.Directory)
                    throw new DirectoryNotFoundException(final == Path.GetFullPath(requested)
                        ? $"{requested}: the directory {directory} does not exist."
                        : $"{requested}: it links to {final}, whose directory {directory} does not exist.");
                return new OutputTarget(requested, final, ReplaceAtomically: true);
            case FileNodeKind.CharacterDevice or FileNodeKind.Fifo:
                return new OutputTarget(requested, final, ReplaceAtomically: false);
            default:
                throw new FileRefusedException(requested, final == Path.GetFullPath(requested)
                    ? $"{requested} is {kind.Describe()}; an output must be a regular file, a new path, a character device or a FIFO."
                    : $"{requested} links to {final}, which is {kind.Describe()}; an output must be a regular file, a new path, a character device or a FIFO.");
        }
    }

    /// <summary>A /proc link names an open file (stdout): whatever it is, it is written in place, never renamed over.</summary>
    private static OutputTarget ForMagicLink(string requested, string link)
    {
        var kind = FileNodes.KindOfTarget(link);
        if (kind is FileNodeKind.RegularFile or FileNodeKind.CharacterDevice or FileNodeKind.Fifo or FileNodeKind.Socket)
            return new OutputTarget(requested, link, ReplaceAtomically: false);
        throw new FileRefusedException(requested, $"{requested} leads to {link}, which is {kind.Describe()}; it cannot be written.");
    }

    /// <summary>
    /// Opens the target for a straight (non-atomic) write: never creates or truncates; a regular file behind a /proc link
    /// (stdout redirected to a file) is appended to, as the shell's own <c>&gt;</c> or <c>&gt;&gt;</c> left it.
    /// </summary>
    public FileStream OpenInPlace(int bufferSize) =>
        new(FinalPath, FileNodes.KindOfTarget(FinalPath) == FileNodeKind.RegularFile ? FileMode.Append : FileMode.Open,
            FileAccess.Write, FileShare.ReadWrite, bufferSize);
}
