using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertNamedEntityRecognitionTransformer), null, typeof(SignatureLoadModel), "RemBERT Named Entity Recognition", RemBertNamedEntityRecognitionTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for named-entity recognition: adds PredictedLabel (a vector of keys of the training label's
/// key type, with its tag names as KeyValues, exactly one per word) and Score (a vector of Single, one per word: the
/// probability of the predicted tag). Words come from the same column as in training (split on whitespace, or a vector
/// of words). Every window of every row of a batch of <see cref="RemBertScoringTransformer.InferenceBatchSize"/> rows
/// runs in one forward pass. Saved by <c>mlContext.Model.Save</c> with its settings, tokenizer, tags and weights, and
/// loaded back by <c>mlContext.Model.Load</c> with no other file. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertNamedEntityRecognitionTransformer : RemBertScoringTransformer<RemBertForTokenClassification>
{
    internal const string LoaderSignature = "RemBertNerXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBNERTAG", LoaderSignature, typeof(RemBertNamedEntityRecognitionTransformer));

    internal RemBertNamedEntityRecognitionTransformer(IHostEnvironment env, NamedEntityScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertNamedEntityRecognitionTransformer), task, inferenceBatchSize, Version)
    {
    }

    /// <summary>The tag names, by tag index (PredictedLabel key k is TagNames[k - 1]).</summary>
    public IReadOnlyList<string> TagNames => Task.Tags.Names;

    /// <summary>
    /// The rows of <paramref name="data"/> (its words or sentence column) encoded for this model's ONNX export
    /// (<c>mlContext.Model.ConvertToOnnx</c>): every window of every row as one sequence, and each word's position
    /// (<see cref="NamedEntityOnnxBatch"/>); the graph's PredictedLabel and Score are this transformer's columns, padded
    /// to <c>[rows, words]</c>.
    /// </summary>
    public NamedEntityOnnxBatch EncodeForOnnx(IDataView data) => Task.EncodeForOnnx(data, Host);

    private NamedEntityScoringTask Task => (NamedEntityScoringTask)ScoringTask;

    private static RemBertNamedEntityRecognitionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, NamedEntityScoringTask.Load, (task, batchSize) => new RemBertNamedEntityRecognitionTransformer(env, task, batchSize));
}
