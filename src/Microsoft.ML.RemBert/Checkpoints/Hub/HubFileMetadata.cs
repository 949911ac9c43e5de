namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// What the Hub says about one file at a revision (huggingface_hub's HfFileMetadata): the commit it resolved to, the
/// blob's name (git sha1, or sha256 for an LFS file), its size, and where to download it (a CDN for LFS files).
/// </summary>
internal sealed record HubFileMetadata(string Commit, string Etag, long Size, Uri DownloadUri)
{
    /// <summary>An LFS file's etag is the SHA-256 of its content, which the download is checked against.</summary>
    public bool EtagIsSha256 => Etag.Length == 64 && Etag.All(char.IsAsciiHexDigit);
}

/// <summary>The answer to a metadata request: the file's metadata, or that it does not exist (at <see cref="Commit"/>, when the Hub said).</summary>
internal sealed record HubFileLookup(HubFileMetadata? Metadata, string? Commit)
{
    /// <summary>The file does not exist at the requested revision.</summary>
    public bool IsMissing => Metadata is null;
}
