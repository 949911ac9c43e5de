using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(LogitsScoringTransformer), null, typeof(SignatureLoadModel),
    "RemBERT test logits scorer", LogitsScoringTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>
/// The smallest concrete scoring transformer: its LoadableClass registration, its version info, a constructor and a
/// loader; the batching, schema and persistence plumbing is <see cref="RemBertScoringTransformer"/>'s.
/// </summary>
internal sealed class LogitsScoringTransformer : RemBertScoringTransformer
{
    internal const string LoaderSignature = "RemBertTestLogitsXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBTLOGIT", LoaderSignature, typeof(LogitsScoringTransformer));

    public LogitsScoringTransformer(IHostEnvironment env, LogitsScoringTask task, int inferenceBatchSize = DefaultInferenceBatchSize)
        : base(env, "RemBertTestLogits", task, inferenceBatchSize, Version)
    {
    }

    public LogitsScoringTask Task => (LogitsScoringTask)ScoringTask;

    private static LogitsScoringTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, LogitsScoringTask.Load, (task, batchSize) => new LogitsScoringTransformer(env, task, batchSize));
}
