using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML;

public static partial class RemBertTrainersCatalog
{
    /// <summary>
    /// Fine-tunes RemBERT for named-entity recognition: tags each word of a sentence (split on whitespace) with a
    /// BIO/IOB2 tag. The label is a vector of keys, one per word (e.g. <c>MapValueToKey</c> over a vector of tag
    /// strings). Outputs PredictedLabel (a vector of keys, one per word, so <c>MapKeyToValue</c> gives tag strings) and
    /// Score (one probability per word); <c>mlContext.MulticlassClassification.EvaluateNamedEntities</c> scores them.
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The tags: a vector of keys, one per word.</param>
    /// <param name="sentence1ColumnName">The text column, split into words on whitespace.</param>
    /// <param name="wordsColumnName">An optional vector-of-text column of words (for languages without spaces); when set, <paramref name="sentence1ColumnName"/> is not read.</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Windows per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored (entity F1) after each epoch; the best epoch's weights are kept.</param>
    public static RemBertNamedEntityRecognitionTrainer RemBertNamedEntityRecognition(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string? wordsColumnName = null,
        string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3, IDataView? validationSet = null)
        => catalog.RemBertNamedEntityRecognition(new RemBertNamedEntityRecognitionOptions
        {
            LabelColumnName = labelColumnName,
            Sentence1ColumnName = sentence1ColumnName,
            WordsColumnName = wordsColumnName,
            Model = model,
            BatchSize = batchSize,
            MaxEpochs = maxEpochs,
            ValidationSet = validationSet,
        });

    /// <summary>Fine-tunes RemBERT for named-entity recognition with every option.</summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertNamedEntityRecognitionTrainer RemBertNamedEntityRecognition(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        RemBertNamedEntityRecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertNamedEntityRecognitionTrainer(CheckedEnvironment.Of(catalog), options);
    }
}
