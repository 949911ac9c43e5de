using Microsoft.ML;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.MultipleChoice;
using MLNetPipelines.NamedEntityRecognition;
using MLNetPipelines.QuestionAnswering;
using MLNetPipelines.TextClassification;

namespace DefaultModelGain;

/// <summary>
/// One sample's job as the benchmark runs it: the sample's data files, trainer options (its recipe: epochs, batch,
/// learning rate, sequence length), pipeline and held-out evaluator, from the start <see cref="SampleArguments.Model"/>,
/// with the run's seed in place of the sample's fixed one. The zip is neither saved nor reloaded: only the metric counts.
/// </summary>
/// <param name="Key">The name on the command line (<c>--tasks</c>).</param>
/// <param name="Name">The sample, as the tables name it.</param>
/// <param name="MetricName">The held-out metric, as the sample prints it.</param>
/// <param name="Decimals">Decimals in the tables: 3 for a fraction, 1 for a percentage.</param>
/// <param name="Train">Trains with the sample's recipe from the arguments' model and seed; returns the held-out metric.</param>
internal sealed record GainTask(string Key, string Name, string MetricName, int Decimals, Func<SampleArguments, int, double> Train)
{
    /// <summary>Every task, by <see cref="GainArguments.TaskKeys"/>.</summary>
    public static IReadOnlyDictionary<string, GainTask> All { get; } = new[]
    {
        new GainTask("intent", "intents (TextClassification)", "micro accuracy", 3, Intent),
        new GainTask("ner", "entities (NamedEntityRecognition)", "entity F1", 3, Entities),
        new GainTask("mc", "replies (MultipleChoice)", "accuracy", 3, Replies),
        new GainTask("qa", "answers (QuestionAnswering)", "SQuAD F1 (%)", 1, Answers),
    }.ToDictionary(task => task.Key);

    private static double Intent(SampleArguments arguments, int seed) =>
        Run(seed, IntentModel.LoadData, IntentModel.TrainingFile, IntentModel.TestFile, IntentModel.TrainerOptions(arguments, CancellationToken.None),
            IntentModel.Train, (mlContext, model, test) => IntentModel.Evaluate(mlContext, model, test).MicroAccuracy);

    private static double Entities(SampleArguments arguments, int seed) =>
        Run(seed, EntityModel.LoadData, EntityModel.TrainingFile, EntityModel.TestFile, EntityModel.TrainerOptions(arguments, CancellationToken.None),
            EntityModel.Train, (mlContext, model, test) => EntityModel.Evaluate(mlContext, model, test).F1Score);

    private static double Replies(SampleArguments arguments, int seed) =>
        Run(seed, ReplyModel.LoadData, ReplyModel.TrainingFile, ReplyModel.TestFile, ReplyModel.TrainerOptions(arguments, CancellationToken.None),
            ReplyModel.Train, (mlContext, model, test) => ReplyModel.Evaluate(mlContext, model, test).MicroAccuracy);

    private static double Answers(SampleArguments arguments, int seed) =>
        Run(seed, AnswerModel.LoadData, AnswerModel.TrainingFile, AnswerModel.TestFile, AnswerModel.TrainerOptions(arguments, CancellationToken.None),
            AnswerModel.Train, (mlContext, model, test) => AnswerModel.Evaluate(mlContext, model, test).F1Score);

    // What every sample's Run does up to its held-out metrics: its files loaded by its reader, its pipeline fitted with
    // its options, its evaluator on the held-out file.
    private static double Run<TOptions>(int seed, Func<MLContext, string, IDataView> load, string trainingFile, string testFile, TOptions options,
        Func<MLContext, IDataView, TOptions, ITransformer> train, Func<MLContext, ITransformer, IDataView, double> evaluate)
        where TOptions : RemBertTrainerOptions
    {
        var mlContext = new MLContext(seed);
        var training = load(mlContext, SampleData.File(trainingFile));
        var test = load(mlContext, SampleData.File(testFile));
        var model = train(mlContext, training, Seeded(options, seed));
        try { return evaluate(mlContext, model, test); }
        finally { Release(model); }
    }

    // The trainer's Seed draws the new head's initial weights, the batch order of every epoch and dropout: the samples
    // fix it at 1. Progress is off: the child's stdout carries only the key=value lines the parent reads.
    private static T Seeded<T>(T options, int seed) where T : RemBertTrainerOptions
    {
        options.Seed = seed;
        options.Progress = null;
        return options;
    }

    // A fitted pipeline holds the model's native tensors.
    private static void Release(ITransformer model) => (model as IDisposable)?.Dispose();
}
