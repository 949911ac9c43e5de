using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// What a training run's result depends on, by name, as text: the starting model, the task and its labels, the
/// trainable parameters, every option of the recipe, and the data (example count and a hash of their lengths and
/// order). A checkpoint stores it; resuming under another is refused naming each difference, since the result would
/// silently be neither run. Options that do not change the weights (device, inference batch size, progress, early
/// stopping patience, the checkpoint options themselves) are left out, so they may change on resume.
/// </summary>
internal static class TrainingFingerprint
{
    public static Dictionary<string, string> Of<TExample>(TrainingSettings settings, RemBertPreTrainedModel model, TrainingMetric metric,
        IReadOnlyList<TExample> training, IReadOnlyList<TExample>? validation) where TExample : ITrainingExample
    {
        var options = settings.Options;
        var config = model.Config;
        return new Dictionary<string, string>
        {
            ["Model"] = options.Config is null ? options.Model : $"random weights of a Config (sha256 {Hash(options.Config.ToJson())})",
            ["Task"] = model.GetType().Name + (config.ProblemType is { } problem ? $" ({problem})" : ""),
            ["Labels"] = string.Join(", ", config.GetId2Label().OrderBy(pair => pair.Key).Select(pair => pair.Value)),
            ["TrainableParameters"] = TrainableParameters(model),
            ["Seed"] = Text(settings.Seed),
            ["BatchSize"] = Text(options.BatchSize),
            ["GradientAccumulationSteps"] = Text(options.GradientAccumulationSteps),
            ["MaxEpochs"] = Text(options.MaxEpochs),
            ["MaxSequenceLength"] = Text(options.MaxSequenceLength),
            ["LearningRate"] = Text(options.LearningRate),
            ["WeightDecay"] = Text(options.WeightDecay),
            ["WarmupRatio"] = Text(options.WarmupRatio),
            ["MaxGradNorm"] = Text(options.MaxGradNorm),
            ["TrainingPrecision"] = options.TrainingPrecision.ToString(),
            ["Tokenizer"] = options.Tokenizer ?? "(the model's)",
            ["EvaluationStrategy"] = options.EvaluationStrategy == Microsoft.ML.RemBert.Trainers.EvaluationStrategy.Steps
                ? $"every {Text(options.EvaluationSteps)} steps" : options.EvaluationStrategy.ToString(),
            ["BestModelMetric"] = metric.Name,
            ["TrainingData"] = Data(training),
            ["ValidationData"] = validation is null ? "(none)" : Data(validation),
        };
    }

    /// <summary>
    /// The differences of <paramref name="current"/> from <paramref name="stored"/>, one "Name: A (checkpoint) vs B (now)"
    /// per key that differs; empty when they match.
    /// </summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> stored, IReadOnlyDictionary<string, string> current) =>
        stored.Keys.Union(current.Keys).Order(StringComparer.Ordinal)
            .Where(key => stored.GetValueOrDefault(key) != current.GetValueOrDefault(key))
            .Select(key => $"{key} {stored.GetValueOrDefault(key) ?? "(not recorded)"} in the checkpoint, {current.GetValueOrDefault(key) ?? "(not recorded)"} now")
            .ToList();

    /// <summary>
    /// Refuses to resume from the checkpoint at <paramref name="path"/> when <paramref name="current"/> differs from the
    /// <paramref name="stored"/> fingerprint: an <see cref="ArgumentException"/> of <paramref name="parameter"/> naming
    /// each difference and ending with <paramref name="alternative"/> (what to do instead).
    /// </summary>
    public static void EnsureSame(IReadOnlyDictionary<string, string> stored, IReadOnlyDictionary<string, string> current, string path,
        string alternative, string parameter)
    {
        var differences = Differences(stored, current);
        if (differences.Count > 0)
            throw new ArgumentException(
                $"Cannot resume from {path}: it was written with other options or data: {string.Join("; ", differences)}. " +
                $"Resume with the options it was written with, or {alternative}.", parameter);
    }

    /// <summary>The first 16 hexadecimal digits of the SHA-256 of <paramref name="text"/>'s UTF-8 bytes: enough to tell two settings apart.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static string TrainableParameters(RemBertPreTrainedModel model)
    {
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad)
            .Select(p => $"{p.name}[{string.Join(",", p.parameter.shape)}]").ToList();
        return $"{trainable.Count} tensors (sha256 {Hash(string.Join(";", trainable))})";
    }

    private static string Data<TExample>(IReadOnlyList<TExample> examples) where TExample : ITrainingExample =>
        $"{examples.Count} examples (lengths sha256 {Hash(string.Join(",", examples.Select(example => example.Length)))})";

    /// <summary>A number as the fingerprint writes it (invariant culture; doubles round-trip).</summary>
    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc cref="Text(int)"/>
    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
