using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Apply;

/// <summary>
/// A fine-tuned checkpoint as <c>ApplyRemBertModel</c> sees it before loading its weights: the resolved directory,
/// its config.json, and the task it is applied as (config.json's <c>architectures</c> and <c>problem_type</c>, or the
/// <see cref="RemBertApplyOptions.Task"/> option where they leave it open). Cheap: reads config.json only.
/// </summary>
internal sealed record FineTunedCheckpoint(string Directory, string ConfigPath, RemBertConfig Config, RemBertApplyTask Task)
{
    /// <summary>Resolves <see cref="RemBertApplyOptions.Model"/> (a directory, or a Hub id through the Hugging Face cache) and reads its config.json.</summary>
    /// <exception cref="ArgumentException">The checkpoint has no trained task head, or the task asked contradicts config.json; the message names the file and the value.</exception>
    public static FineTunedCheckpoint Open(RemBertApplyOptions options, IChannel channel)
    {
        // The user's Hub options are used as given; without them the Hub's decisions go to the log, as for the trainers.
        var hub = options.Hub ?? new RemBertHubOptions { Log = message => channel.Info(message) };
        string directory = Path.GetFullPath(RemBertModelSource.Resolve(options.Model, hub));
        var config = RemBertConfig.Load(directory);
        string configPath = Path.Combine(directory, RemBertConfig.ConfigFileName);
        return new FineTunedCheckpoint(directory, configPath, config, ResolveTask(config, options.Task, configPath));
    }

    /// <summary>The transformers class of the head the task runs.</summary>
    public string Architecture => ArchitectureOf(Task);

    /// <summary>The class names by class index: config.json's <c>id2label</c> (LABEL_i where it has none), which config validation keeps to 0..num_labels-1.</summary>
    public IReadOnlyList<string> LabelNames
    {
        get
        {
            var id2Label = Config.GetId2Label();
            return Enumerable.Range(0, Config.NumLabels).Select(i => id2Label[i]).ToArray();
        }
    }

    /// <summary>The head model class a task needs.</summary>
    public static string ArchitectureOf(RemBertApplyTask task) => task switch
    {
        RemBertApplyTask.TextClassification or RemBertApplyTask.BinaryClassification or RemBertApplyTask.Regression
            or RemBertApplyTask.MultiLabelClassification => RemBertArchitectures.ForSequenceClassification,
        RemBertApplyTask.NamedEntityRecognition => RemBertArchitectures.ForTokenClassification,
        RemBertApplyTask.QuestionAnswering => RemBertArchitectures.ForQuestionAnswering,
        RemBertApplyTask.MultipleChoice => RemBertArchitectures.ForMultipleChoice,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, $"Unknown task {task}."),
    };

    /// <summary>
    /// The task of <paramref name="config"/>: its architecture decides, with the label count and <c>problem_type</c> telling
    /// sequence classification from regression; <paramref name="asked"/> is needed only without <c>architectures</c>, and
    /// must agree with them when both are given.
    /// </summary>
    internal static RemBertApplyTask ResolveTask(RemBertConfig config, RemBertApplyTask? asked, string configPath)
    {
        string? architecture = config.Architectures?.FirstOrDefault();
        if (architecture is RemBertArchitectures.Model or RemBertArchitectures.ForMaskedLM or RemBertArchitectures.ForCausalLM)
            throw new ArgumentException(
                $"{configPath}: architectures is {architecture}, a checkpoint without a trained task head, so there is nothing to apply. " +
                "Fine-tune it with a RemBERT trainer (e.g. mlContext.MulticlassClassification.Trainers.RemBert with Model = this checkpoint) instead.",
                nameof(RemBertApplyOptions.Model));
        if (architecture is not null && !RemBertArchitectures.All.Contains(architecture))
            throw new ArgumentException($"{configPath}: architectures is {architecture}, which is not a RemBERT class ({string.Join(", ", RemBertArchitectures.All)}).",
                nameof(RemBertApplyOptions.Model));
        if (architecture is null && asked is null)
            throw new ArgumentException($"{configPath} names no architectures, so the task is unknown: set {nameof(RemBertApplyOptions.Task)}.",
                nameof(RemBertApplyOptions.Task));

        var task = asked ?? DefaultTask(architecture!, config);
        if (architecture is not null && ArchitectureOf(task) != architecture)
            throw new ArgumentException($"{nameof(RemBertApplyOptions.Task)} is {task}, which needs a {ArchitectureOf(task)}, but {configPath} has architectures {architecture}.",
                nameof(RemBertApplyOptions.Task));
        CheckLabels(task, config, configPath);
        return task;
    }

    private static RemBertApplyTask DefaultTask(string architecture, RemBertConfig config) => architecture switch
    {
        RemBertArchitectures.ForSequenceClassification when config.ProblemType == RemBertProblemType.MultiLabelClassification => RemBertApplyTask.MultiLabelClassification,
        RemBertArchitectures.ForSequenceClassification => config.ProblemType == RemBertProblemType.Regression || (config.ProblemType is null && config.NumLabels == 1)
            ? RemBertApplyTask.Regression
            : RemBertApplyTask.TextClassification,
        RemBertArchitectures.ForTokenClassification => RemBertApplyTask.NamedEntityRecognition,
        RemBertArchitectures.ForQuestionAnswering => RemBertApplyTask.QuestionAnswering,
        _ => RemBertApplyTask.MultipleChoice,
    };

    // The label count and problem type each sequence task's head needs (its transformer checks the count again).
    private static void CheckLabels(RemBertApplyTask task, RemBertConfig config, string configPath)
    {
        if (task is RemBertApplyTask.TextClassification or RemBertApplyTask.BinaryClassification or RemBertApplyTask.Regression
            && config.ProblemType == RemBertProblemType.MultiLabelClassification)
            throw new ArgumentException($"{configPath}: problem_type is {RemBertProblemType.MultiLabelClassification}, so each label has its own sigmoid: " +
                $"apply it as {RemBertApplyTask.MultiLabelClassification} (the default for this problem type), not {task}.", nameof(RemBertApplyOptions.Task));
        string? problem = task switch
        {
            RemBertApplyTask.Regression when config.NumLabels != 1 => $"regression needs num_labels 1, not {config.NumLabels}",
            RemBertApplyTask.TextClassification when config.NumLabels < 2 => $"text classification needs at least 2 labels, not {config.NumLabels}",
            RemBertApplyTask.TextClassification when config.ProblemType == RemBertProblemType.Regression => "problem_type is regression",
            RemBertApplyTask.BinaryClassification when config.NumLabels != 2 => $"binary classification needs 2 labels (false, true), not {config.NumLabels}",
            RemBertApplyTask.MultiLabelClassification when config.ProblemType is RemBertProblemType.Regression or RemBertProblemType.SingleLabelClassification
                => $"problem_type is {config.ProblemType}, whose labels exclude each other",
            RemBertApplyTask.NamedEntityRecognition when config.NumLabels < 2 => $"named-entity recognition needs at least 2 tags, not {config.NumLabels}",
            _ => null,
        };
        if (problem is not null)
            throw new ArgumentException($"{configPath} cannot be applied as {task}: {problem}.", nameof(RemBertApplyOptions.Task));
    }
}
