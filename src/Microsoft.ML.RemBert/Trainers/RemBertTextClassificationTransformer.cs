using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertTextClassificationTransformer), null, typeof(SignatureLoadModel), "RemBERT Text Classification", RemBertTextClassificationTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for multiclass classification: adds PredictedLabel (a key of the training label's key type, with its key values) and Score (one probability per class, slot names = class names). Scores rows in batches of <see cref="RemBertScoringTransformer.InferenceBatchSize"/>
/// with dynamic padding; saved by <c>mlContext.Model.Save</c> with its configuration, tokenizer, labels and weights,
/// and loaded back by <c>mlContext.Model.Load</c> with no other file. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertTextClassificationTransformer : RemBertScoringTransformer<RemBertForSequenceClassification>
{
    internal const string LoaderSignature = "RemBertTextClassXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBTXTCLS", LoaderSignature, typeof(RemBertTextClassificationTransformer));

    internal RemBertTextClassificationTransformer(IHostEnvironment env, SequenceScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertTextClassificationTransformer), task, inferenceBatchSize, Version)
    {
    }

    private SequenceScoringTask Task => (SequenceScoringTask)ScoringTask;

    /// <summary>The class names, by class index (PredictedLabel key k is LabelNames[k - 1]).</summary>
    public IReadOnlyList<string> LabelNames => ((MulticlassProblem)Task.Head).LabelNames;

    private static RemBertTextClassificationTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, context => SequenceScoringTask.Load(context, SequenceProblemKind.Multiclass), (task, batchSize) => new RemBertTextClassificationTransformer(env, task, batchSize));
}
