using Microsoft.ML;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;

namespace MLNetPipelines.NamedEntityRecognition;

public sealed partial class EntityModel
{
    /// <summary>The training file: 180 sentences, 20 per language, with people (PER) and places (LOC).</summary>
    public const string TrainingFile = "entities.train.conll";

    /// <summary>The held-out file: 54 sentences built from other templates, names and places than training's.</summary>
    public const string TestFile = "entities.test.conll";

    /// <summary>Loads a CoNLL file as an IDataView of <see cref="ModelInput"/> rows.</summary>
    public static IDataView LoadData(MLContext mlContext, string path) => mlContext.Data.LoadFromEnumerable(ConllFile.Read(path));

    /// <summary>
    /// The trainer's settings: transformers' fine-tuning recipe sized for the small default model on two CPU cores.
    /// <c>--quick</c> trains two short epochs: seconds, for the tests.
    /// </summary>
    public static RemBertNamedEntityRecognitionOptions TrainerOptions(SampleArguments arguments, CancellationToken cancellationToken) =>
        StartingWeights.Apply(new RemBertNamedEntityRecognitionOptions
        {
            WordsColumnName = "Words",
            LabelColumnName = "Label",
            PredictedLabelColumnName = "PredictedLabel",
            MaxEpochs = arguments.Epochs ?? (arguments.Quick ? 3 : 8),
            BatchSize = 16,
            LearningRate = 3e-4,
            WarmupRatio = 0.1,
            MaxSequenceLength = 48,
            Stride = 16,
            Seed = 1,
            Device = arguments.Device,
            Progress = SampleRunner.EpochProgress(),
            CancellationToken = cancellationToken,
        }, arguments.Model, arguments.RandomWeights);

    /// <summary>
    /// The ML.NET pipeline: tag strings to keys (a vector of keys, one per word), the RemBERT tagger, and the predicted
    /// keys back to tag strings in <c>PredictedTags</c>.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, RemBertNamedEntityRecognitionOptions options) =>
        mlContext.Transforms.Conversion.MapValueToKey(outputColumnName: "Label", inputColumnName: "Tags")
            .Append(mlContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue(outputColumnName: "PredictedTags", inputColumnName: "PredictedLabel"));

    /// <summary>Fits the pipeline on <paramref name="trainingData"/>.</summary>
    public static ITransformer Train(MLContext mlContext, IDataView trainingData, RemBertNamedEntityRecognitionOptions options) =>
        BuildPipeline(mlContext, options).Fit(trainingData);

    /// <summary>Entity-level precision, recall and F1 (as seqeval counts them) of <paramref name="model"/> on held-out data.</summary>
    public static NamedEntityMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView testData) =>
        mlContext.MulticlassClassification.EvaluateNamedEntities(model.Transform(testData), labelColumnName: "Label", predictedLabelColumnName: "PredictedLabel");
}
