using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>ML.NET catalog entry points of Microsoft.ML.RemBert.</summary>
public static class RemBertCatalog
{
    /// <summary>
    /// Tokenizes a text column (and optionally a second one, as the pair sequence) exactly like transformers'
    /// RemBertTokenizer, adding fixed-length Int64 vector columns InputIds, AttentionMask and TokenTypeIds.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.Text.</param>
    /// <param name="tokenizer">The tokenizer, e.g. <see cref="RemBertTokenizer.FromPretrained"/>; saved into the model zip.</param>
    /// <param name="options">Columns, length and truncation; defaults when null.</param>
    public static RemBertTokenizingEstimator TokenizeForRemBert(this TransformsCatalog.TextTransforms catalog,
        RemBertTokenizer tokenizer, RemBertTokenizingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var env = CheckedEnvironment.Of(catalog);
        var transformer = new RemBertTokenizingTransformer(env, tokenizer, options ?? new RemBertTokenizingOptions());
        return new RemBertTokenizingEstimator(env, transformer);
    }

    /// <summary>
    /// Same as <see cref="TokenizeForRemBert(TransformsCatalog.TextTransforms, RemBertTokenizer, RemBertTokenizingOptions?)"/>
    /// with the tokenizer loaded from a sentencepiece .model file or a checkpoint directory.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.Text.</param>
    /// <param name="tokenizerPath">A .model file, or a directory with sentencepiece.model (and tokenizer_config.json).</param>
    /// <param name="inputColumnName">Text column to tokenize.</param>
    /// <param name="secondInputColumnName">Optional pair text column.</param>
    /// <param name="maxSequenceLength">Length of every output vector, special tokens included.</param>
    /// <param name="truncation">How to shorten longer encodings.</param>
    public static RemBertTokenizingEstimator TokenizeForRemBert(this TransformsCatalog.TextTransforms catalog,
        string tokenizerPath,
        string inputColumnName = RemBertTokenizingOptions.DefaultInputColumnName,
        string? secondInputColumnName = null,
        int maxSequenceLength = RemBertTokenizingOptions.DefaultMaxSequenceLength,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst)
        => catalog.TokenizeForRemBert(RemBertTokenizer.FromPretrained(tokenizerPath), new RemBertTokenizingOptions
        {
            InputColumnName = inputColumnName,
            SecondInputColumnName = secondInputColumnName,
            MaxSequenceLength = maxSequenceLength,
            Truncation = truncation,
        });
}
