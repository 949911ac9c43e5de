using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetPipelines.Common;

namespace OnnxAccuracy;

/// <summary>A sample's trained pipeline as production code gets it: saved to a zip (the samples' own save) and loaded back.</summary>
internal static class SampleZip
{
    /// <summary>Saves <paramref name="trained"/> to <paramref name="path"/>, disposes it, and returns the model loaded from the zip.</summary>
    public static ITransformer SaveAndReload(MLContext mlContext, ITransformer trained, DataViewSchema inputSchema, string path)
    {
        ModelFile.Save(mlContext, trained, inputSchema, path);
        (trained as IDisposable)?.Dispose();
        return mlContext.Model.Load(path, out _);
    }

    /// <summary>The RemBERT transformer of type <typeparamref name="T"/> in <paramref name="model"/> (a chain or the transformer itself).</summary>
    public static T Find<T>(ITransformer model) where T : class, ITransformer
        => (model as IEnumerable<ITransformer> ?? [model]).OfType<T>().SingleOrDefault()
           ?? throw new InvalidOperationException($"The reloaded zip holds no {typeof(T).Name}.");

    /// <summary>The values of a key column's keys, in key order (key k is element k - 1).</summary>
    public static T[] KeyValues<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().ToArray();
    }
}
