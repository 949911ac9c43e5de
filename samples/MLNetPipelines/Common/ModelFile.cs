using Microsoft.ML;

namespace MLNetPipelines.Common;

/// <summary>Saving a trained pipeline the way every sample does.</summary>
public static class ModelFile
{
    /// <summary>
    /// <c>mlContext.Model.SaveAtomically</c> (Microsoft.ML.RemBert's atomic <c>Model.Save</c>): the zip appears whole or not at all (a crash or
    /// Ctrl+C never leaves half of one). Prints the path and size.
    /// </summary>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path)
    {
        mlContext.Model.SaveAtomically(model, inputSchema, path);
        Console.WriteLine($"Saved {Path.GetFullPath(path)} ({new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB).");
    }
}
