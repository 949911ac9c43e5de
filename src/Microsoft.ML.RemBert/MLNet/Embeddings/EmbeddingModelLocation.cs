using System.Reflection;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Embeddings;

/// <summary>
/// The checkpoint directory of <see cref="RemBertEmbeddingsOptions.Model"/>: a directory or Hub id as the trainers
/// resolve them, or, when it is null, the embedded default model. That model ships in its own package
/// (Microsoft.ML.RemBert.DefaultModel, 15 MB) which this library does not depend on, so it is found at run time in the
/// application's assemblies.
/// </summary>
internal static class EmbeddingModelLocation
{
    private const string DefaultModelAssembly = "Microsoft.ML.RemBert.DefaultModel";
    private const string DefaultModelType = "Microsoft.ML.RemBert.RemBertDefaultModel";

    public static string Resolve(RemBertEmbeddingsOptions options, IChannel channel)
    {
        if (options.Model is null)
            return DefaultModelDirectory();
        var hub = options.Hub ?? new RemBertHubOptions { Log = message => channel.Info(message) };
        return Path.GetFullPath(RemBertModelSource.Resolve(options.Model, hub));
    }

    private static string DefaultModelDirectory()
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(DefaultModelAssembly);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new ArgumentException($"{nameof(RemBertEmbeddingsOptions.Model)} is null, which means the embedded default model, but the application does not " +
                $"reference the {DefaultModelAssembly} package: reference it, or set {nameof(RemBertEmbeddingsOptions.Model)} to a checkpoint directory or Hub id.",
                nameof(RemBertEmbeddingsOptions.Model), e);
        }
        var property = assembly.GetType(DefaultModelType)?.GetProperty("Directory", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{assembly.FullName} has no {DefaultModelType}.Directory.");
        try
        {
            return (string)property.GetValue(null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // E.g. a build of the package without its weights: its own message says so.
            throw new ArgumentException(e.InnerException.Message, nameof(RemBertEmbeddingsOptions.Model), e.InnerException);
        }
    }
}
