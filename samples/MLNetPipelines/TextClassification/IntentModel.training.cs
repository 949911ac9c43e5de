using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;

namespace MLNetPipelines.TextClassification;

public sealed partial class IntentModel
{
    /// <summary>The training file: 315 requests, 5 intents x 9 languages x 7.</summary>
    public const string TrainingFile = "intents.train.tsv";

    /// <summary>The held-out file: 135 requests (3 per intent and language) phrased unlike any training request.</summary>
    public const string TestFile = "intents.test.tsv";

    /// <summary>Requests in neither file, one per language, that the sample predicts after reloading the zip.</summary>
    public const string UnseenFile = "intents.unseen.tsv";

    /// <summary>Loads a tab-separated data file of <see cref="ModelInput"/> rows.</summary>
    public static IDataView LoadData(MLContext mlContext, string path) =>
        mlContext.Data.LoadFromTextFile<ModelInput>(path, separatorChar: '\t', hasHeader: true, allowQuoting: false);

    /// <summary>
    /// The trainer's settings: transformers' fine-tuning recipe (AdamW, 10 % warm-up then linear decay) sized for the
    /// small default model on two CPU cores. <c>--quick</c> trains two short epochs: seconds, for the tests.
    /// </summary>
    public static RemBertTextClassificationOptions TrainerOptions(SampleArguments arguments, CancellationToken cancellationToken) =>
        StartingWeights.Apply(new RemBertTextClassificationOptions
        {
            LabelColumnName = "Label",
            Sentence1ColumnName = "Sentence1",
            MaxEpochs = arguments.Epochs ?? (arguments.Quick ? 2 : 12),
            BatchSize = 16,
            LearningRate = 2e-4,
            WarmupRatio = 0.1,
            MaxSequenceLength = arguments.Quick ? 24 : 48,
            Seed = 1,
            Device = arguments.Device,
            Progress = SampleRunner.EpochProgress(),
            CancellationToken = cancellationToken,
        }, arguments.Model, arguments.RandomWeights);

    /// <summary>
    /// The ML.NET pipeline: intent names to keys, the RemBERT trainer (tokenizes <c>Sentence1</c> itself), and keys
    /// back to intent names in <c>PredictedLabel</c>.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, RemBertTextClassificationOptions options) =>
        mlContext.Transforms.Conversion.MapValueToKey(outputColumnName: "Label", inputColumnName: "Label")
            .Append(mlContext.MulticlassClassification.Trainers.RemBert(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue(outputColumnName: "PredictedLabel", inputColumnName: "PredictedLabel"));

    /// <summary>Fits the pipeline on <paramref name="trainingData"/>.</summary>
    public static ITransformer Train(MLContext mlContext, IDataView trainingData, RemBertTextClassificationOptions options) =>
        BuildPipeline(mlContext, options).Fit(trainingData);

    /// <summary>ML.NET's multiclass metrics of <paramref name="model"/> on held-out data.</summary>
    public static MulticlassClassificationMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView testData) =>
        mlContext.MulticlassClassification.Evaluate(model.Transform(testData), labelColumnName: "Label");

    /// <summary>Held-out accuracy per language (rows of <paramref name="testData"/> in file order).</summary>
    public static IReadOnlyDictionary<string, double> AccuracyByLanguage(MLContext mlContext, ITransformer model, IDataView testData)
    {
        var inputs = mlContext.Data.CreateEnumerable<ModelInput>(testData, reuseRowObject: false);
        var outputs = mlContext.Data.CreateEnumerable<ModelOutput>(model.Transform(testData), reuseRowObject: false);
        return inputs.Zip(outputs)
            .GroupBy(pair => pair.First.Language)
            .ToDictionary(group => group.Key, group => group.Average(pair => pair.First.Label == pair.Second.PredictedLabel ? 1.0 : 0.0));
    }
}
