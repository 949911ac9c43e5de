using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.MLNet.Persistence;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Loads an ML.NET model zip the user gave (<c>mlContext.Model.Load</c>), so that every failure names the file: ML.NET's
/// own messages for a file that is not a model zip ("Wrong file type") or is truncated ("Unable to read beyond the end
/// of the stream") name neither the file nor the entry. Our own loaders' errors already name the entry and are kept.
/// </summary>
public static class ModelZip
{
    /// <summary>The largest model zip read.</summary>
    public const long MaxFileBytes = 16L << 30;

    /// <summary>Loads <paramref name="path"/> and its saved input schema.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable ML.NET model zip, or has no saved input schema.</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        BoundedInputFile.Open(path, MaxFileBytes, "an ML.NET model zip").Dispose();
        ITransformer transformer;
        DataViewSchema? schema;
        try
        {
            transformer = mlContext.Model.Load(path, out schema);
        }
        catch (Exception e) when (!CliErrors.Chain(e).Any(IsOurOwnError) && e is not OutOfMemoryException)
        {
            var innermost = CliErrors.Chain(e).Last();
            throw new InvalidDataException($"{path}: not a readable ML.NET model zip ({innermost.GetType().Name}: {innermost.Message.TrimEnd('.')}).", e);
        }
        inputSchema = schema ?? throw new InvalidDataException(
            $"{path}: the model zip has no saved input schema; save it with mlContext.Model.Save(model, inputSchema, path).");
        return transformer;
    }

    /// <summary>Errors our loaders raise inside ML.NET's: they name the entry (and file) already.</summary>
    private static bool IsOurOwnError(Exception e) => e is RemBertModelFormatException or FileRefusedException
        or Checkpoints.CheckpointFormatException or Modeling.RemBertConfigException;
}
