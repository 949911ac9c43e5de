using Microsoft.ML;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;

namespace MLNetPipelines.QuestionAnswering;

public sealed partial class AnswerModel
{
    /// <summary>The training file: 108 profiles (12 per language), 3 questions each, one of them unanswerable.</summary>
    public const string TrainingFile = "profiles.train.json";

    /// <summary>The held-out file: 45 profiles of other people, places and jobs than training's.</summary>
    public const string TestFile = "profiles.test.json";

    /// <summary>Loads a SQuAD JSON file as an IDataView of <see cref="ModelInput"/> rows.</summary>
    public static IDataView LoadData(MLContext mlContext, string path) => mlContext.Data.LoadFromEnumerable(SquadFile.Read(path));

    /// <summary>
    /// The trainer's settings: transformers' fine-tuning recipe sized for the small default model on two CPU cores.
    /// <c>--quick</c> trains two epochs: seconds, for the tests.
    /// </summary>
    public static RemBertQuestionAnsweringOptions TrainerOptions(SampleArguments arguments, CancellationToken cancellationToken) =>
        StartingWeights.Apply(new RemBertQuestionAnsweringOptions
        {
            ContextColumnName = "Context",
            QuestionColumnName = "Question",
            TrainingAnswerColumnName = "TrainingAnswer",
            AnswerIndexColumnName = "AnswerIndex",
            MaxEpochs = arguments.Epochs ?? (arguments.Quick ? 2 : 8),
            BatchSize = 16,
            LearningRate = 3e-4,
            WarmupRatio = 0.1,
            MaxSequenceLength = 96,
            TopK = 3,
            Seed = 1,
            Device = arguments.Device,
            Progress = SampleRunner.EpochProgress(),
            CancellationToken = cancellationToken,
        }, arguments.Model, arguments.RandomWeights);

    /// <summary>The ML.NET pipeline: the RemBERT question answerer alone (it tokenizes the question and context itself).</summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext, RemBertQuestionAnsweringOptions options) =>
        mlContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options);

    /// <summary>Fits the pipeline on <paramref name="trainingData"/>.</summary>
    public static ITransformer Train(MLContext mlContext, IDataView trainingData, RemBertQuestionAnsweringOptions options) =>
        BuildPipeline(mlContext, options).Fit(trainingData);

    /// <summary>SQuAD's exact match and F1 (percentages) of <paramref name="model"/> on held-out questions.</summary>
    public static QuestionAnsweringMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView testData) =>
        mlContext.MulticlassClassification.EvaluateQuestionAnswering(model.Transform(testData), groundTruthColumnName: "TrainingAnswer", predictedAnswerColumnName: "Answer");
}
