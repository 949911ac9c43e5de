using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Transforms;
using MLNetPipelines.Common;

namespace MLNetPipelines.MultipleChoice;

public sealed partial class ReplyModel
{
    /// <summary>The training file: the 315 training requests of the intents sample, each with four replies in its language.</summary>
    public const string TrainingFile = "replies.train.jsonl";

    /// <summary>The held-out file: the 135 held-out requests, phrased unlike any training request.</summary>
    public const string TestFile = "replies.test.jsonl";

    /// <summary>Loads a JSON-lines file as an IDataView of <see cref="ModelInput"/> rows.</summary>
    public static IDataView LoadData(MLContext mlContext, string path) => mlContext.Data.LoadFromEnumerable(ChoiceFile.Read(path));

    /// <summary>
    /// The trainer's settings: transformers' fine-tuning recipe sized for the small default model on two CPU cores.
    /// <c>--quick</c> trains two epochs: seconds, for the tests.
    /// </summary>
    public static RemBertMultipleChoiceOptions TrainerOptions(SampleArguments arguments, CancellationToken cancellationToken) =>
        StartingWeights.Apply(new RemBertMultipleChoiceOptions
        {
            PromptColumnName = "Prompt",
            ChoicesColumnName = "Choices",
            LabelColumnName = "Label",
            MaxEpochs = arguments.Epochs ?? (arguments.Quick ? 2 : 6),
            BatchSize = 8,
            LearningRate = 2e-4,
            WarmupRatio = 0.1,
            MaxSequenceLength = arguments.Quick ? 32 : 48,
            Seed = 1,
            Device = arguments.Device,
            Progress = SampleRunner.EpochProgress(),
            CancellationToken = cancellationToken,
        }, arguments.Model, arguments.RandomWeights);

    /// <summary>
    /// The ML.NET pipeline: the right choice's index to a key (keys sorted by value, so key k is choice k - 1 and score
    /// slot i is choice i), the RemBERT multiple-choice trainer, and the predicted key back to an index in <c>PredictedChoice</c>.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, RemBertMultipleChoiceOptions options) =>
        mlContext.Transforms.Conversion.MapValueToKey(outputColumnName: "Label", inputColumnName: "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(mlContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue(outputColumnName: "PredictedChoice", inputColumnName: "PredictedLabel"));

    /// <summary>Fits the pipeline on <paramref name="trainingData"/>.</summary>
    public static ITransformer Train(MLContext mlContext, IDataView trainingData, RemBertMultipleChoiceOptions options) =>
        BuildPipeline(mlContext, options).Fit(trainingData);

    /// <summary>ML.NET's multiclass metrics (accuracy: the right reply picked) of <paramref name="model"/> on held-out data.</summary>
    public static MulticlassClassificationMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView testData) =>
        mlContext.MulticlassClassification.Evaluate(model.Transform(testData), labelColumnName: "Label");
}
