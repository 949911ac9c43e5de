using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertMultiLabelTransformer), null, typeof(SignatureLoadModel), "RemBERT Multi-Label Classification", RemBertMultiLabelTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for multi-label classification: adds Score (one probability per label, slot names =
/// label names) and PredictedLabels (a vector of the names of the labels over <see cref="Threshold"/>). Scores rows in
/// batches of <see cref="RemBertScoringTransformer.InferenceBatchSize"/> with dynamic padding; saved by
/// <c>mlContext.Model.Save</c> with its configuration, tokenizer, labels, threshold and weights, and loaded back by
/// <c>mlContext.Model.Load</c> with no other file. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertMultiLabelTransformer : RemBertScoringTransformer<RemBertForSequenceClassification>
{
    internal const string LoaderSignature = "RemBertMultiLabelXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBMULLBL", LoaderSignature, typeof(RemBertMultiLabelTransformer));

    internal RemBertMultiLabelTransformer(IHostEnvironment env, SequenceScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertMultiLabelTransformer), task, inferenceBatchSize, Version)
    {
    }

    private MultiLabelProblem Head => (MultiLabelProblem)((SequenceScoringTask)ScoringTask).Head;

    /// <summary>The label names, by Score slot.</summary>
    public IReadOnlyList<string> LabelNames => Head.LabelNames;

    /// <summary>A label is predicted when its probability is strictly greater than this.</summary>
    public float Threshold => Head.Threshold;

    private static RemBertMultiLabelTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, context => SequenceScoringTask.Load(context, SequenceProblemKind.MultiLabel), (task, batchSize) => new RemBertMultiLabelTransformer(env, task, batchSize));
}
