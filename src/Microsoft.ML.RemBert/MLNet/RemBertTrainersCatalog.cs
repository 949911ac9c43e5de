using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.Trainers;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>The RemBERT trainers on ML.NET's trainer catalogs.</summary>
public static partial class RemBertTrainersCatalog
{
    /// <summary>
    /// Fine-tunes RemBERT to classify a text (or text pair) into the classes of a key-typed label (e.g. from
    /// <c>MapValueToKey</c>). Outputs PredictedLabel (key) and Score (probabilities summing to 1).
    /// </summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="sentence1ColumnName">The text column.</param>
    /// <param name="sentence2ColumnName">An optional second text column (the pair).</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Examples per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored after each epoch; the best epoch's weights are kept.</param>
    public static RemBertTextClassificationTrainer RemBert(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string? sentence2ColumnName = null,
        string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3, IDataView? validationSet = null)
        => catalog.RemBert(Simple(new RemBertTextClassificationOptions(), labelColumnName, sentence1ColumnName, sentence2ColumnName,
            model, batchSize, maxEpochs, validationSet));

    /// <summary>Fine-tunes RemBERT for multiclass classification with every option.</summary>
    /// <param name="catalog">mlContext.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertTextClassificationTrainer RemBert(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        RemBertTextClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertTextClassificationTrainer(CheckedEnvironment.Of(catalog), options);
    }

    /// <summary>
    /// Fine-tunes RemBERT to predict a Boolean label of a text (or text pair). Outputs Score, Probability and
    /// PredictedLabel, as <c>BinaryClassification.Evaluate</c> expects.
    /// </summary>
    /// <param name="catalog">mlContext.BinaryClassification.Trainers.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="sentence1ColumnName">The text column.</param>
    /// <param name="sentence2ColumnName">An optional second text column (the pair).</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Examples per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored after each epoch; the best epoch's weights are kept.</param>
    public static RemBertBinaryClassificationTrainer RemBert(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string? sentence2ColumnName = null,
        string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3, IDataView? validationSet = null)
        => catalog.RemBert(Simple(new RemBertBinaryClassificationOptions(), labelColumnName, sentence1ColumnName, sentence2ColumnName,
            model, batchSize, maxEpochs, validationSet));

    /// <summary>Fine-tunes RemBERT for binary classification with every option.</summary>
    /// <param name="catalog">mlContext.BinaryClassification.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertBinaryClassificationTrainer RemBert(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        RemBertBinaryClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertBinaryClassificationTrainer(CheckedEnvironment.Of(catalog), options);
    }

    /// <summary>Fine-tunes RemBERT to predict a Single label of a text or text pair (e.g. a similarity). Outputs Score.</summary>
    /// <param name="catalog">mlContext.Regression.Trainers.</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="sentence1ColumnName">The text column.</param>
    /// <param name="sentence2ColumnName">An optional second text column (the pair).</param>
    /// <param name="model">A local checkpoint directory or a Hub id.</param>
    /// <param name="batchSize">Examples per training batch.</param>
    /// <param name="maxEpochs">Passes over the training data.</param>
    /// <param name="validationSet">Optional data scored after each epoch; the best epoch's weights are kept.</param>
    public static RemBertRegressionTrainer RemBert(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string? sentence2ColumnName = null,
        string model = RemBertTrainerOptions.DefaultModel, int batchSize = 32, int maxEpochs = 3, IDataView? validationSet = null)
        => catalog.RemBert(Simple(new RemBertRegressionOptions(), labelColumnName, sentence1ColumnName, sentence2ColumnName,
            model, batchSize, maxEpochs, validationSet));

    /// <summary>Fine-tunes RemBERT for regression with every option.</summary>
    /// <param name="catalog">mlContext.Regression.Trainers.</param>
    /// <param name="options">The options; checked when training starts.</param>
    public static RemBertRegressionTrainer RemBert(this RegressionCatalog.RegressionTrainers catalog, RemBertRegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new RemBertRegressionTrainer(CheckedEnvironment.Of(catalog), options);
    }

    private static TOptions Simple<TOptions>(TOptions options, string labelColumnName, string sentence1ColumnName, string? sentence2ColumnName,
        string model, int batchSize, int maxEpochs, IDataView? validationSet)
        where TOptions : RemBertSentenceTrainerOptions
    {
        options.LabelColumnName = labelColumnName;
        options.Sentence1ColumnName = sentence1ColumnName;
        options.Sentence2ColumnName = sentence2ColumnName;
        options.Model = model;
        options.BatchSize = batchSize;
        options.MaxEpochs = maxEpochs;
        options.ValidationSet = validationSet;
        return options;
    }
}
