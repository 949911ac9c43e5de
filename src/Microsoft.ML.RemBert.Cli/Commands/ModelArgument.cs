namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// The <c>--model</c> value of <c>rembert train</c>: a checkpoint directory, a Hugging Face Hub id, or <c>default</c>
/// for the embedded default model.
/// </summary>
internal static class ModelArgument
{
    public const string Default = "default";

    /// <summary>The checkpoint directory or Hub id the trainer loads.</summary>
    /// <exception cref="InvalidDataException"><c>default</c> was asked for but this build embeds no default model.</exception>
    public static string Resolve(string value)
    {
        if (!string.Equals(value, Default, StringComparison.OrdinalIgnoreCase))
            return value;
        // The embedded default (project Microsoft.ML.RemBert.DefaultModel) is not part of this build yet.
        throw new InvalidDataException("--model default: this build has no embedded default model; give a checkpoint directory or a Hub id such as google/rembert.");
    }
}
