using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Turns a trainer's <c>Model</c> string into a checkpoint directory: a local directory as it is, a Hub id (e.g.
/// <c>google/rembert</c>) through the Hugging Face cache, downloading what it lacks (see <see cref="RemBertModelSource"/>).
/// The one place trainers resolve a model.
/// </summary>
internal static class ModelLocation
{
    /// <summary>The checkpoint directory of <paramref name="options"/>' Model.</summary>
    public static string Resolve(RemBertTrainerOptions options, IChannel channel)
    {
        // The user's Hub options are used as given (not changed); without them the Hub's decisions go to the log.
        var hub = options.Hub ?? new RemBertHubOptions { Log = message => channel.Info(message) };
        return Path.GetFullPath(RemBertModelSource.Resolve(options.Model, hub, options.CancellationToken));
    }
}
