using Microsoft.ML;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;

namespace PyTorchReference;

/// <summary>
/// One task of the comparison: the sample it comes from (data, recipe, pipeline, evaluator), how our trainer runs it,
/// the examples the reference trains on, and how a fine-tuned Hugging Face checkpoint is scored by the same pipeline.
/// </summary>
internal abstract class BenchmarkTask
{
    /// <summary>The task's name in the table and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>The held-out metric the sample prints (and the table compares).</summary>
    public abstract string MetricName { get; }

    /// <summary>The reference's head: "sequence", "token", "qa" or "choice" (see reference_finetune.py).</summary>
    public abstract string ReferenceHead { get; }

    /// <summary>The sample's trainer options for <paramref name="seed"/>: its recipe, from the embedded default model.</summary>
    public abstract RemBertTrainerOptions Options(int seed);

    /// <summary>
    /// Fine-tunes with our trainer (the sample's pipeline and options, seed <paramref name="seed"/>; <paramref name="epochs"/>
    /// overrides the recipe's for smoke tests) and returns the held-out metric.
    /// </summary>
    public abstract double TrainOurs(int seed, int? epochs);

    /// <summary>
    /// Writes the training examples exactly as our trainer builds them (token ids, token types, labels, windows) as
    /// the reference's features JSON: both sides train on identical inputs.
    /// </summary>
    public abstract void WriteFeatures(string path);

    /// <summary>The held-out metric of a fine-tuned checkpoint directory, applied with ApplyRemBertModel in the sample's pipeline and evaluator.</summary>
    public abstract double EvaluateCheckpoint(string directory);

    /// <summary>
    /// Our loss, in eval mode (no dropout), of the starting model saved in <paramref name="directory"/> by
    /// <c>reference_finetune.py --initial-loss-only</c> (the checkpoint with the reference's new head) on the first
    /// <see cref="RemBertTrainerOptions.BatchSize"/> training examples: the reference printed its own on the same batch.
    /// </summary>
    public abstract double InitialLoss(string directory);

    /// <summary>The loss our training task computes on the first <paramref name="batchSize"/> examples, the model of <paramref name="directory"/> in eval mode.</summary>
    private protected static double FirstBatchLoss<TExample, TModel>(string directory, ITrainingTask<TExample> task, IReadOnlyList<TExample> examples, int batchSize)
        where TExample : ITrainingExample
        where TModel : RemBertPreTrainedModel
    {
        using var model = RemBertCheckpoint.LoadWithReport<TModel>(directory, torch.CPU).Model;
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return task.ComputeLoss(model, examples.Take(batchSize).ToArray(), torch.CPU).item<float>();
    }

    /// <summary>Every task, in the table's order.</summary>
    public static IReadOnlyList<BenchmarkTask> All { get; } =
        [new TextClassificationTask(), new NamedEntityTask(), new QuestionAnsweringTask(), new MultipleChoiceTask()];

    /// <summary>The arguments the samples' options read: the full recipe (not --quick), the embedded default model, CPU.</summary>
    protected static SampleArguments SampleArguments() => new() { ModelZip = "unused.zip", Device = "cpu" };

    /// <summary>The sample's options with the run's seed, quiet.</summary>
    protected static T WithSeed<T>(T options, int seed, int? epochs = null) where T : RemBertTrainerOptions
    {
        options.Seed = seed;
        options.MaxEpochs = epochs ?? options.MaxEpochs;
        options.Progress = null;
        return options;
    }

    /// <summary>Disposes a fitted pipeline (it holds the model's native tensors).</summary>
    protected static void Release(ITransformer model) => (model as IDisposable)?.Dispose();
}
