using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.Trainers;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

public static partial class RemBertTrainersCatalog
{
    /// <summary>
    /// Fine-tunes RemBERT to give a text (or text pair) any number of labels: the label column holds each row's labels
    /// as a vector of text or of keys (an empty vector: no label). Outputs Score (a probability per label, slot names =
    /// label names) and PredictedLabels (the names of the labels whose probability is over 0.5).
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The labels of each row: a vector of text, or a vector of keys with text KeyValues.</param>
    /// <param name="sentence1ColumnName">The text column.</param>
    /// <param name="sentence2ColumnName">An optional second text column (the pair).</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Examples per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored after each epoch (macro F1); the best epoch's weights are kept.</param>
    public static RemBertMultiLabelTrainer RemBertMultiLabel(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string? sentence2ColumnName = null,
        string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3, IDataView? validationSet = null)
        => catalog.RemBertMultiLabel(Simple(new RemBertMultiLabelOptions(), labelColumnName, sentence1ColumnName, sentence2ColumnName,
            model, batchSize, maxEpochs, validationSet));

    /// <summary>Fine-tunes RemBERT for multi-label classification with every option.</summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertMultiLabelTrainer RemBertMultiLabel(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        RemBertMultiLabelOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertMultiLabelTrainer(CheckedEnvironment.Of(catalog), options);
    }
}
