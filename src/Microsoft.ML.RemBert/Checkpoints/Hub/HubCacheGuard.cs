using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// Checks a cache file before it is written: every folder between the cache directory and the file must be a real
/// directory (not a symbolic link) and the file itself a regular file or absent. A link planted in a shared cache
/// (<c>blobs/&lt;etag&gt;.incomplete</c> or <c>refs/main</c> pointing at <c>~/.bashrc</c>) would otherwise make a
/// download overwrite the file it points at. The cache directory itself may be a link: the user chose it.
/// </summary>
/// <remarks>
/// Reading is not checked: a repository folder linked to another disk still serves its cached snapshots, but a download
/// into it is refused (link the whole cache, HF_HUB_CACHE, instead). On Windows <see cref="IO.FileNodes"/> does not see
/// links, so the check there is only that each part is a directory or a file.
/// A check, then an open: a process that swaps a link in between wins the race. Writes go through a rename where they
/// can (refs, blobs), which replaces a link rather than following it; the check covers the appends and the lock.
/// </remarks>
internal static class HubCacheGuard
{
    /// <summary>Throws <see cref="RemBertHubException"/> naming <paramref name="path"/> when writing it would leave the cache.</summary>
    /// <param name="errors">Names the repository in the message.</param>
    /// <param name="cacheDirectory">The hub cache the path must stay in.</param>
    /// <param name="fileName">The repository file the path is for, for the message.</param>
    /// <param name="path">The file (or folder) about to be written.</param>
    /// <param name="directory">The path is a folder to write in, not a file.</param>
    public static void RequireWritable(HubErrors errors, string cacheDirectory, string fileName, string path, bool directory = false)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(cacheDirectory));
        string full = Path.GetFullPath(path);
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw errors.CacheRefused(fileName, path, "is outside the cache");
        string relative = full[(root.Length + 1)..];
        string current = root;
        var parts = relative.Split(Path.DirectorySeparatorChar);
        for (int i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            bool last = i == parts.Length - 1;
            var kind = FileNodes.KindOf(current);
            if (kind == FileNodeKind.Missing) return; // what does not exist yet is made here, inside the cache
            if (kind == FileNodeKind.SymbolicLink)
                throw errors.CacheRefused(fileName, path, $"{(last ? "is" : $"lies under '{current}', which is")} a symbolic link "
                    + $"(to '{new FileInfo(current).LinkTarget}'); the cache never links there, so it is not written through: remove the link");
            var expected = last && !directory ? FileNodeKind.RegularFile : FileNodeKind.Directory;
            if (kind != expected)
                throw errors.CacheRefused(fileName, path, $"{(last ? "is" : $"lies under '{current}', which is")} {kind.Describe()}, "
                    + $"not a {(expected == FileNodeKind.Directory ? "directory" : "regular file")}");
        }
    }
}
