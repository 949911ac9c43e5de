using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.Transforms;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>RemBERT as a featurizer: sentence embeddings as an ML.NET text transform.</summary>
public static class RemBertEmbeddingsCatalog
{
    /// <summary>
    /// Adds <paramref name="outputColumnName"/>, a <c>float[hidden_size]</c> embedding of the text column
    /// <paramref name="inputColumnName"/>: RemBERT's last hidden state pooled over the text's tokens (mean by default)
    /// and L2-normalised, for any ML.NET trainer (e.g. <c>SdcaMaximumEntropy</c>) or for semantic search.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.Text.</param>
    /// <param name="outputColumnName">The embedding column.</param>
    /// <param name="inputColumnName">The text column; null: <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Checkpoint (the embedded default model by default), pooling, normalisation, length, batch, device, precision.</param>
    public static RemBertEmbeddingsEstimator RemBertEmbeddings(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string? inputColumnName = null, RemBertEmbeddingsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RemBertEmbeddingsEstimator(Data.CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName ?? outputColumnName,
            options ?? new RemBertEmbeddingsOptions());
    }
}
