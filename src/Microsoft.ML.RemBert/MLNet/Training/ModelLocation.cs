namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Turns a trainer's <c>Model</c> string into a checkpoint directory. The one place where a Hub id (e.g.
/// <c>google/rembert</c>) will be resolved through the Hugging Face cache; until the Hub download lands, only local
/// directories are accepted, and anything else is an error saying what to download and where to point.
/// </summary>
internal static class ModelLocation
{
    /// <summary>The checkpoint directory <paramref name="model"/> names.</summary>
    /// <exception cref="DirectoryNotFoundException">Not a local directory.</exception>
    public static string Resolve(string model)
    {
        if (Directory.Exists(model))
            return Path.GetFullPath(model);
        throw new DirectoryNotFoundException(
            $"Model '{model}' is not a local checkpoint directory, and this build does not download from the Hugging Face Hub. " +
            $"Download it (e.g. huggingface-cli download {model} --local-dir DIR) and set Model to DIR.");
    }
}
