using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertMultipleChoiceTransformer), null, typeof(SignatureLoadModel), "RemBERT Multiple Choice", RemBertMultipleChoiceTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for multiple choice: adds PredictedLabel (a key of UInt32, one value per choice, whose key
/// values are the choice indices) and Score (one probability per choice, in the label's key order; slot names are the
/// choice indices). Scores <see cref="RemBertScoringTransformer.InferenceBatchSize"/> rows (each with all its choices)
/// per forward pass, padded to the batch's longest choice; saved by <c>mlContext.Model.Save</c> with its configuration,
/// tokenizer, classes and weights, and loaded back by <c>mlContext.Model.Load</c> with no other file. Safe to use from
/// several threads at once.
/// </summary>
public sealed class RemBertMultipleChoiceTransformer : RemBertScoringTransformer<RemBertForMultipleChoice>
{
    internal const string LoaderSignature = "RemBertMultiChoiceXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBMCHOIC", LoaderSignature, typeof(RemBertMultipleChoiceTransformer));

    internal RemBertMultipleChoiceTransformer(IHostEnvironment env, MultipleChoiceScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertMultipleChoiceTransformer), task, inferenceBatchSize, Version)
    {
    }

    /// <summary>Choices per row: the training data's count, which every scored row must have.</summary>
    public int ChoiceCount => Task.Classes.ChoiceCount;

    /// <summary>The choice index of each class: PredictedLabel key k and Score slot k - 1 mean choice <c>ChoiceOfClass[k - 1]</c>.</summary>
    public IReadOnlyList<int> ChoiceOfClass => Task.Classes.ChoiceOfClass;

    /// <summary>
    /// The rows of <paramref name="data"/> (its prompt and choices columns) encoded for this model's ONNX export
    /// (<c>mlContext.Model.ConvertToOnnx</c>): InputIds, AttentionMask and TokenTypeIds of shape <c>[rows × choices, seq]</c>,
    /// each row's choices consecutive, padded to the longest; the graph's Score and PredictedLabel are <c>[rows, choices]</c>
    /// and <c>[rows, 1]</c>, as this transformer's columns.
    /// </summary>
    public RemBertOnnxBatch EncodeForOnnx(IDataView data) => Task.EncodeForOnnx(data, Host);

    private MultipleChoiceScoringTask Task => (MultipleChoiceScoringTask)ScoringTask;

    private static RemBertMultipleChoiceTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, MultipleChoiceScoringTask.Load, (task, batchSize) => new RemBertMultipleChoiceTransformer(env, task, batchSize));
}
