using Microsoft.ML.RemBert.Trainers;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>Applying a RemBERT checkpoint fine-tuned elsewhere (e.g. with transformers in Python) as an ML.NET transform.</summary>
public static class RemBertApplyCatalog
{
    /// <summary>
    /// Scores data with a fine-tuned RemBERT checkpoint (a directory or a Hub id of a RemBertForSequenceClassification,
    /// ForTokenClassification, ForQuestionAnswering or ForMultipleChoice) without training: <c>Fit</c> loads it and
    /// returns the same transformer type the matching trainer returns, with config.json's labels as key values.
    /// </summary>
    /// <param name="catalog">mlContext.Transforms.</param>
    /// <param name="options">The checkpoint, the task when config.json leaves it open, the columns, device, precision and batch size.</param>
    public static RemBertApplyEstimator ApplyRemBertModel(this TransformsCatalog catalog, RemBertApplyOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertApplyEstimator(Data.CatalogUtils.GetEnvironment(catalog), options);
    }
}
