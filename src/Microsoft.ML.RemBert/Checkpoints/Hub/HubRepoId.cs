using System.Text.RegularExpressions;

namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>
/// A model repository id (<c>name</c> or <c>namespace/name</c>) checked with huggingface_hub's rules, and its folder name
/// in the cache (<c>models--namespace--name</c>).
/// </summary>
internal static partial class HubRepoId
{
    private const int MaxNameLength = 96;

    /// <summary>
    /// huggingface_hub's REPO_ID_REGEX restricted to ASCII: optional namespace, then a name; each starts and ends with a
    /// letter, digit or underscore and holds only those, '-' and '.'.
    /// </summary>
    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?/)?[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")]
    private static partial Regex Pattern();

    /// <summary>Why <paramref name="value"/> is not a repository id, or null when it is one.</summary>
    public static string? Problem(string value)
    {
        if (!Pattern().IsMatch(value))
            return "a Hub id is 'namespace/name' (e.g. google/rembert) of letters, digits, '-', '_' and '.', not starting or ending with '-' or '.'";
        if (value.Contains("--") || value.Contains(".."))
            return "a Hub id cannot contain '--' or '..'";
        if (value.EndsWith(".git", StringComparison.Ordinal))
            return "a Hub id cannot end with '.git'";
        if (value[(value.IndexOf('/') + 1)..].Length > MaxNameLength)
            return $"a Hub repository name has at most {MaxNameLength} characters";
        return null;
    }

    /// <summary>The repository's folder in the hub cache, as huggingface_hub's repo_folder_name names it.</summary>
    public static string CacheFolderName(string repoId) => "models--" + repoId.Replace("/", "--");
}
