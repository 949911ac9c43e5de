using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// What a service needs to know about a loaded model to serve it without knowing its task in advance: the task of
/// its RemBERT transformer and the columns that transformer reads (the fields a request must give; the zip's other
/// input columns, such as a training label, are not needed to predict).
/// </summary>
/// <param name="Task">text-classification, binary-classification, regression, multi-label-classification, named-entity-recognition, question-answering, multiple-choice, or the transformer's type name.</param>
/// <param name="InputColumnNames">The columns the RemBERT transformer reads, in its order.</param>
public sealed record RemBertModelDescription(string Task, IReadOnlyList<string> InputColumnNames)
{
    /// <summary>Describes the first RemBERT transformer of <paramref name="model"/> (a chain is searched depth first).</summary>
    /// <exception cref="ArgumentException">The model contains no RemBERT transformer.</exception>
    public static RemBertModelDescription Of(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var transformer = Find(model)
            ?? throw new ArgumentException($"The model ({model.GetType().Name}) contains no RemBERT transformer.", nameof(model));
        return new RemBertModelDescription(TaskName(transformer), transformer.ScoringTask.InputColumns.Select(column => column.Name).ToList());
    }

    internal static RemBertScoringTransformer? Find(ITransformer model) => model switch
    {
        RemBertScoringTransformer transformer => transformer,
        IEnumerable<ITransformer> chain => chain.Select(Find).FirstOrDefault(found => found is not null),
        _ => null,
    };

    private static string TaskName(RemBertScoringTransformer transformer) => transformer switch
    {
        RemBertTextClassificationTransformer => "text-classification",
        RemBertBinaryClassificationTransformer => "binary-classification",
        RemBertRegressionTransformer => "regression",
        RemBertMultiLabelTransformer => "multi-label-classification",
        RemBertNamedEntityRecognitionTransformer => "named-entity-recognition",
        RemBertQuestionAnsweringTransformer => "question-answering",
        RemBertMultipleChoiceTransformer => "multiple-choice",
        _ => transformer.GetType().Name,
    };
}
