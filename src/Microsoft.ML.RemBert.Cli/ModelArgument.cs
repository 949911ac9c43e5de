using Microsoft.ML.RemBert.Checkpoints.Hub;

namespace Microsoft.ML.RemBert.Cli;

/// <summary>
/// What every command's <c>--model</c> (when it takes a checkpoint) accepts: <c>default</c> for the embedded pretrained
/// model (<see cref="RemBertDefaultModel.Directory"/>), otherwise a checkpoint directory or a Hugging Face Hub id, passed on
/// as given. A directory really named <c>default</c> is still reachable as <c>./default</c>.
/// </summary>
public static class ModelArgument
{
    /// <summary>The word that selects the embedded default model.</summary>
    public const string DefaultName = "default";

    /// <summary>The help text fragment commands append to their <c>--model</c> description.</summary>
    public const string DefaultHelp = "'default' for the embedded pretrained model";

    /// <summary>The checkpoint directory or Hub id <paramref name="value"/> stands for.</summary>
    /// <exception cref="InvalidDataException">'default' was asked for and this build has no embedded weights (the user's
    /// argument to change, so a one-line error with exit 1, not an internal error).</exception>
    public static string Resolve(string value)
    {
        if (!string.Equals(value, DefaultName, StringComparison.Ordinal)) return value;
        try
        {
            return RemBertDefaultModel.Directory;
        }
        catch (InvalidOperationException e)
        {
            // The message already says what to do instead (build the weights, or give a checkpoint directory or Hub id).
            throw new InvalidDataException($"--model {DefaultName}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The checkpoint directory <paramref name="value"/> stands for, a Hub id resolved (and downloaded when missing) in
    /// the Hugging Face cache with the settings of the environment (HF_TOKEN, HF_HUB_OFFLINE, ...). A value that is
    /// neither a directory nor a Hub id is refused naming <paramref name="option"/>, not whatever file the command reads next.
    /// </summary>
    /// <exception cref="InvalidDataException">Neither an existing directory nor a valid Hub id (the message names the option and the value).</exception>
    /// <exception cref="RemBertHubException">The Hub id could not be resolved (the message names the repository and what to do).</exception>
    public static string ResolveCheckpoint(string value, string option = "--model")
    {
        string model = Resolve(value);
        try
        {
            return Path.GetFullPath(RemBertModelSource.Resolve(model));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{option}: {e.Message}", e);
        }
    }
}
