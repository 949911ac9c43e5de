using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML;

public static partial class RemBertTrainersCatalog
{
    /// <summary>
    /// Fine-tunes RemBERT for multiple choice: for each row, picks the right one of the texts in a vector column for the
    /// prompt (each choice encoded as <c>[CLS] prompt [SEP] choice [SEP]</c>). The label is the right choice's index, as a
    /// key (e.g. <c>MapValueToKey</c> over UInt32 0..n-1) or a UInt32/Int32. Outputs PredictedLabel (key) and Score (one
    /// probability per choice), so <c>MulticlassClassification.Evaluate</c> works.
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The right choice's index: a key or a UInt32/Int32 column.</param>
    /// <param name="promptColumnName">The prompt text column.</param>
    /// <param name="choicesColumnName">The choices: a vector of text, the same count in every row.</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Rows (each with all its choices) per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored after each epoch; the best epoch's weights are kept.</param>
    public static RemBertMultipleChoiceTrainer RemBertMultipleChoice(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string promptColumnName = "Prompt", string choicesColumnName = "Choices",
        string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3, IDataView? validationSet = null)
        => catalog.RemBertMultipleChoice(new RemBertMultipleChoiceOptions
        {
            LabelColumnName = labelColumnName,
            PromptColumnName = promptColumnName,
            ChoicesColumnName = choicesColumnName,
            Model = model,
            BatchSize = batchSize,
            MaxEpochs = maxEpochs,
            ValidationSet = validationSet,
        });

    /// <summary>Fine-tunes RemBERT for multiple choice with every option.</summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertMultipleChoiceTrainer RemBertMultipleChoice(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        RemBertMultipleChoiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertMultipleChoiceTrainer(CheckedEnvironment.Of(catalog), options);
    }
}
