using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// One repository's folder in the Hugging Face hub cache, laid out exactly as huggingface_hub lays it out so that either
/// side reuses the other's downloads:
/// <code>
/// models--ORG--NAME/
///   blobs/&lt;etag&gt;                      file contents, named by git sha1 (small files) or sha256 (LFS files)
///   blobs/&lt;etag&gt;.incomplete           a download in progress, resumed from its length
///   refs/&lt;revision&gt;                   the commit hash a branch or tag resolved to (no newline)
///   snapshots/&lt;commit&gt;/&lt;file&gt;        relative symlink ../../blobs/&lt;etag&gt;
///   .no_exist/&lt;commit&gt;/&lt;file&gt;        empty: the file is known not to exist at that commit
/// .locks/models--ORG--NAME/&lt;etag&gt;.lock  held while a blob downloads (flock, as Python's filelock)
/// </code>
/// Every file written here is checked by <see cref="HubCacheGuard"/> first: a link planted in the cache is refused,
/// never written through.
/// </summary>
internal sealed partial class HubCacheRepository
{
    /// <summary>The most bytes a file name may have on the file systems the cache lives on (ext4, APFS, NTFS in UTF-16 units).</summary>
    public const int MaxFileNameBytes = 255;

    private readonly HubErrors _errors;

    public HubCacheRepository(string cacheDirectory, string repoId, HubErrors errors)
    {
        CacheDirectory = cacheDirectory;
        RepoId = repoId;
        Root = Path.Combine(cacheDirectory, HubRepoId.CacheFolderName(repoId));
        _errors = errors;
    }

    /// <summary>The hub cache holding every repository.</summary>
    public string CacheDirectory { get; }

    /// <summary>The repository id.</summary>
    public string RepoId { get; }

    /// <summary>models--ORG--NAME.</summary>
    public string Root { get; }

    /// <summary>huggingface_hub's REGEX_COMMIT_HASH.</summary>
    [GeneratedRegex("^[0-9a-f]{40}$")]
    public static partial Regex CommitHash();

    /// <summary>The commit <paramref name="revision"/> stands for in the cache: itself when a commit hash, else refs/&lt;revision&gt;'s content.</summary>
    public string? CommitFor(string revision)
    {
        if (CommitHash().IsMatch(revision)) return revision;
        string reference = RefPath(revision);
        if (!File.Exists(reference)) return null; // read through links (harmless: only a commit hash is accepted); written only by WriteRef's checks
        string commit = File.ReadAllText(reference).Trim();
        return CommitHash().IsMatch(commit) ? commit : null;
    }

    /// <summary>Records that <paramref name="revision"/> resolved to <paramref name="commit"/> (atomically; nothing for a commit hash).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit) return;
        string reference = RefPath(revision);
        HubCacheGuard.RequireWritable(_errors, CacheDirectory, $"refs/{revision}", reference);
        if (File.Exists(reference) && File.ReadAllText(reference) == commit) return; // a read-only shared cache stays usable
        Directory.CreateDirectory(Path.GetDirectoryName(reference)!);
        AtomicFile.Write(reference, stream => stream.Write(Encoding.UTF8.GetBytes(commit)));
    }

    /// <summary>snapshots/&lt;commit&gt;.</summary>
    public string SnapshotDirectory(string commit) => Path.Combine(Root, "snapshots", commit);

    /// <summary>blobs/&lt;etag&gt;.</summary>
    public string BlobPath(string etag) => Path.Combine(Root, "blobs", etag);

    /// <summary>Where <paramref name="etag"/>'s download is locked, shared with Python's downloads of the same blob.</summary>
    public string LockPath(string etag) => Path.Combine(CacheDirectory, ".locks", HubRepoId.CacheFolderName(RepoId), etag + ".lock");

    /// <summary>Whether the cache knows <paramref name="fileName"/> does not exist at <paramref name="commit"/>.</summary>
    public bool IsKnownMissing(string commit, string fileName) => File.Exists(Path.Combine(Root, ".no_exist", commit, fileName));

    /// <summary>Records that <paramref name="fileName"/> does not exist at <paramref name="commit"/>, as huggingface_hub does on a 404.</summary>
    public void MarkMissing(string commit, string fileName)
    {
        string marker = Path.Combine(Root, ".no_exist", commit, fileName);
        HubCacheGuard.RequireWritable(_errors, CacheDirectory, fileName, marker);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        if (!File.Exists(marker)) File.WriteAllBytes(marker, Array.Empty<byte>());
    }

    /// <summary>
    /// Points snapshots/&lt;commit&gt;/&lt;file&gt; at the blob with a relative symlink (the cache survives being moved), made
    /// under a temporary name and renamed into place so a reader never sees a half-made pointer. Where symlinks are not
    /// allowed (Windows without developer mode) the blob is copied instead, as huggingface_hub does. The temporary name
    /// is short whatever the file's name, so any name a file system allows can be cached.
    /// </summary>
    public string LinkIntoSnapshot(string commit, string fileName, string etag)
    {
        string pointer = Path.Combine(SnapshotDirectory(commit), fileName);
        if (fileName.Split('/').FirstOrDefault(part => Encoding.UTF8.GetByteCount(part) > MaxFileNameBytes) is { } tooLong)
            throw _errors.CacheRefused(fileName, pointer,
                $"has a name of {Encoding.UTF8.GetByteCount(tooLong)} bytes, more than the {MaxFileNameBytes} a file system allows");
        string folder = Path.GetDirectoryName(pointer)!;
        HubCacheGuard.RequireWritable(_errors, CacheDirectory, fileName, folder, directory: true);
        Directory.CreateDirectory(folder);
        string blob = BlobPath(etag);
        string temporary = Path.Combine(folder, $".tmp-{Guid.NewGuid():N}"[..17]);
        try
        {
            File.CreateSymbolicLink(temporary, Path.GetRelativePath(folder, blob));
            File.Move(temporary, pointer, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            TryDelete(temporary);
            try
            {
                if (FileNodes.KindOf(pointer) == FileNodeKind.SymbolicLink) File.Delete(pointer); // AtomicFile would write through it
                AtomicFile.Write(pointer, stream => { using var source = File.OpenRead(blob); source.CopyTo(stream); });
            }
            catch (Exception copy) when (copy is IOException or UnauthorizedAccessException)
            {
                throw _errors.CacheRefused(fileName, pointer, $"cannot be linked ({e.Message}) nor copied ({copy.Message})", copy);
            }
        }
        return pointer;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a leftover temporary link is harmless; the error that matters is the one being handled
        }
    }

    private string RefPath(string revision) => Path.Combine(new[] { Root, "refs" }.Concat(revision.Split('/')).ToArray());
}
