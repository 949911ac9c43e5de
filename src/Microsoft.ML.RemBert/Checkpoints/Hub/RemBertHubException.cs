namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// A Hub id could not be resolved to a checkpoint directory: not found, not authorized, offline or unreachable with no
/// cached copy, or a corrupt download. The message names the repository, revision and file, and says what to do.
/// </summary>
public sealed class RemBertHubException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> must already be free of any token.</summary>
    public RemBertHubException(string repoId, string revision, string? fileName, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        RepoId = repoId;
        Revision = revision;
        FileName = fileName;
        StatusCode = statusCode;
    }

    /// <summary>The repository, e.g. <c>google/rembert</c>.</summary>
    public string RepoId { get; }

    /// <summary>The revision asked for.</summary>
    public string Revision { get; }

    /// <summary>The file at fault, when one is.</summary>
    public string? FileName { get; }

    /// <summary>The HTTP status the Hub answered with, when it answered.</summary>
    public int? StatusCode { get; }
}
