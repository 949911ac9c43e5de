using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertEmbeddingsTransformer), null, typeof(SignatureLoadModel), "RemBERT Embeddings", RemBertEmbeddingsTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>
/// Adds a <c>float[hidden_size]</c> sentence embedding of a text column, pooled from RemBERT's last hidden state
/// (<see cref="RemBertPooling"/>) and L2-normalised by default: features for any ML.NET trainer, or vectors for
/// semantic search. Scores rows in batches of <see cref="RemBertScoringTransformer.InferenceBatchSize"/>; saved by
/// <c>mlContext.Model.Save</c> with its tokenizer and encoder; exported by <c>mlContext.Model.ConvertToOnnx</c>.
/// Safe to use from several threads at once.
/// </summary>
public sealed class RemBertEmbeddingsTransformer : RemBertScoringTransformer<RemBertModel>
{
    internal const string LoaderSignature = "RemBertEmbeddingsXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBEMBEDS", LoaderSignature, typeof(RemBertEmbeddingsTransformer));

    internal RemBertEmbeddingsTransformer(IHostEnvironment env, EmbeddingScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertEmbeddingsTransformer), task, inferenceBatchSize, Version)
    {
    }

    private EmbeddingScoringTask Task => (EmbeddingScoringTask)ScoringTask;

    /// <summary>The embedding's length: the encoder's hidden_size.</summary>
    public int Dimension => Model.Config.HiddenSize;

    /// <summary>How the token vectors are pooled.</summary>
    public RemBertPooling Pooling => Task.Pooling;

    /// <summary>Whether the embeddings are L2-normalised.</summary>
    public bool Normalize => Task.Normalize;

    private static RemBertEmbeddingsTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, EmbeddingScoringTask.Load, (task, batchSize) => new RemBertEmbeddingsTransformer(env, task, batchSize));
}
