namespace Microsoft.ML.RemBert;

/// <summary>Extracts the embedded files to <c>ROOT/HASH</c> once, atomically and safely when processes race.</summary>
internal static class DefaultModelCache
{
    private const int HashDigits = 16;

    /// <summary><c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> (local application data on Windows), then <c>Microsoft.ML.RemBert/default-model</c>.</summary>
    public static string Root()
    {
        string baseDirectory = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDirectory, "Microsoft.ML.RemBert", "default-model");
    }

    /// <summary>
    /// The directory <c>root/HASH</c> holding every file of <paramref name="resources"/>. An existing complete directory
    /// is reused as it is. Otherwise the files are written to a private staging directory beside it, which is then renamed
    /// into place in one step: a concurrent reader sees no directory or the whole one, and when another process wins the
    /// race its directory is kept and ours deleted.
    /// </summary>
    public static string Materialize(DefaultModelResources resources, string root)
    {
        string target = Path.Combine(root, resources.ContentHash[..HashDigits]);
        if (IsComplete(target, resources))
            return target;

        Directory.CreateDirectory(root);
        string staging = Path.Combine(root, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var name in resources.FileNames)
            {
                using var source = resources.Open(name);
                using var file = new FileStream(Path.Combine(staging, name), FileMode.CreateNew, FileAccess.Write);
                source.CopyTo(file);
                file.Flush(flushToDisk: true);
            }
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (IsComplete(target, resources))
            {
                // Another process renamed its copy first: the content is the same (same hash), use it.
            }
            if (!IsComplete(target, resources))
                throw new IOException($"The default model's cache directory '{target}' exists but lacks files or holds files of the wrong size; delete it and retry.");
            return target;
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    private static bool IsComplete(string directory, DefaultModelResources resources) =>
        Directory.Exists(directory) && resources.FileNames.All(name =>
        {
            var file = new FileInfo(Path.Combine(directory, name));
            using var source = resources.Open(name);
            return file.Exists && file.Length == source.Length;
        });
}
