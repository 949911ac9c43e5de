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

    private static double Intent(SampleArguments arguments, int seed)
    {
        var mlContext = new MLContext(seed);
        var training = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TrainingFile));
        var test = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TestFile));
        var model = IntentModel.Train(mlContext, training, Seeded(IntentModel.TrainerOptions(arguments, CancellationToken.None), seed));
        try { return IntentModel.Evaluate(mlContext, model, test).MicroAccuracy; }
        finally { Release(model); }
    }

    private static double Entities(SampleArguments arguments, int seed)
    {
        var mlContext = new MLContext(seed);
        var training = EntityModel.LoadData(mlContext, SampleData.File(EntityModel.TrainingFile));
        var test = EntityModel.LoadData(mlContext, SampleData.File(EntityModel.TestFile));
        var model = EntityModel.Train(mlContext, training, Seeded(EntityModel.TrainerOptions(arguments, CancellationToken.None), seed));
        try { return EntityModel.Evaluate(mlContext, model, test).F1Score; }
        finally { Release(model); }
    }

    private static double Replies(SampleArguments arguments, int seed)
    {
        var mlContext = new MLContext(seed);
        var training = ReplyModel.LoadData(mlContext, SampleData.File(ReplyModel.TrainingFile));
        var test = ReplyModel.LoadData(mlContext, SampleData.File(ReplyModel.TestFile));
        var model = ReplyModel.Train(mlContext, training, Seeded(ReplyModel.TrainerOptions(arguments, CancellationToken.None), seed));
        try { return ReplyModel.Evaluate(mlContext, model, test).MicroAccuracy; }
        finally { Release(model); }
    }

    private static double Answers(SampleArguments arguments, int seed)
    {
        var mlContext = new MLContext(seed);
        var training = AnswerModel.LoadData(mlContext, SampleData.File(AnswerModel.TrainingFile));
        var test = AnswerModel.LoadData(mlContext, SampleData.File(AnswerModel.TestFile));
        var model = AnswerModel.Train(mlContext, training, Seeded(AnswerModel.TrainerOptions(arguments, CancellationToken.None), seed));
        try { return AnswerModel.Evaluate(mlContext, model, test).F1Score; }
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
