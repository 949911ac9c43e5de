using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertBinaryClassificationTransformer), null, typeof(SignatureLoadModel), "RemBERT Binary Classification", RemBertBinaryClassificationTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for binary classification: adds Score (log-odds of true), Probability and PredictedLabel (Boolean). Scores rows in batches of <see cref="RemBertScoringTransformer.InferenceBatchSize"/>
/// with dynamic padding; saved by <c>mlContext.Model.Save</c> with its configuration, tokenizer, labels and weights,
/// and loaded back by <c>mlContext.Model.Load</c> with no other file. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertBinaryClassificationTransformer : RemBertScoringTransformer<RemBertForSequenceClassification>
{
    internal const string LoaderSignature = "RemBertBinaryClassXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBBINCLS", LoaderSignature, typeof(RemBertBinaryClassificationTransformer));

    internal RemBertBinaryClassificationTransformer(IHostEnvironment env, SequenceScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertBinaryClassificationTransformer), task, inferenceBatchSize, Version)
    {
    }

    private static RemBertBinaryClassificationTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, context => SequenceScoringTask.Load(context, SequenceProblemKind.Binary), (task, batchSize) => new RemBertBinaryClassificationTransformer(env, task, batchSize));
}
