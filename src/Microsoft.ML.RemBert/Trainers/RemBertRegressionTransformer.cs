using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertRegressionTransformer), null, typeof(SignatureLoadModel), "RemBERT Regression", RemBertRegressionTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for regression: adds Score (Single). Scores rows in batches of <see cref="RemBertScoringTransformer.InferenceBatchSize"/>
/// with dynamic padding; saved by <c>mlContext.Model.Save</c> with its configuration, tokenizer, labels and weights,
/// and loaded back by <c>mlContext.Model.Load</c> with no other file. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertRegressionTransformer : RemBertScoringTransformer<RemBertForSequenceClassification>
{
    internal const string LoaderSignature = "RemBertRegressionXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBREGRES", LoaderSignature, typeof(RemBertRegressionTransformer));

    internal RemBertRegressionTransformer(IHostEnvironment env, SequenceScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertRegressionTransformer), task, inferenceBatchSize, Version)
    {
    }

    private static RemBertRegressionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, context => SequenceScoringTask.Load(context, SequenceProblemKind.Regression), (task, batchSize) => new RemBertRegressionTransformer(env, task, batchSize));
}
