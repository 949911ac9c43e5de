using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Where the training loop stands between two optimizer steps, apart from the tensors (weights, optimizer moments, best
/// weights, random generator): what a checkpoint's <c>trainer_state.json</c> holds, with the options fingerprint the
/// checkpoint was written under and the byte length of each of its files (a shorter file is a damaged checkpoint).
/// </summary>
internal sealed record TrainingPosition
{
    public const int FormatVersion = 1;

    /// <summary>Optimizer steps done.</summary>
    public int Step { get; init; }

    /// <summary>The epoch in progress, from 1.</summary>
    public int Epoch { get; init; } = 1;

    /// <summary>Index, in the epoch's batch order, of the first batch of the next step.</summary>
    public int NextBatch { get; init; }

    /// <summary>Validations since the best one (early stopping's counter).</summary>
    public int EvaluationsWithoutImprovement { get; init; }

    /// <summary>The best validation metric so far (null before the first validation), and the step and epoch it was scored at.</summary>
    public double? BestMetric { get; init; }

    public int BestStep { get; init; }

    public int BestEpoch { get; init; }

    /// <summary>The name of the metric that picks the best weights.</summary>
    public string MetricName { get; init; } = "";

    /// <summary>The options and data the run depends on, by name (see <see cref="TrainingFingerprint"/>).</summary>
    public IReadOnlyDictionary<string, string> Fingerprint { get; init; } = new Dictionary<string, string>();

    /// <summary>Each file of the checkpoint and its length in bytes.</summary>
    public IReadOnlyDictionary<string, long> Files { get; init; } = new Dictionary<string, long>();

    public byte[] ToJson()
    {
        var json = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["step"] = Step,
            ["epoch"] = Epoch,
            ["next_batch"] = NextBatch,
            ["evaluations_without_improvement"] = EvaluationsWithoutImprovement,
            ["metric_name"] = MetricName,
            // As text: a metric may be NaN (an AUC over one class), which JSON numbers cannot hold.
            ["best_metric"] = BestMetric?.ToString("R", CultureInfo.InvariantCulture),
            ["best_step"] = BestStep,
            ["best_epoch"] = BestEpoch,
            ["fingerprint"] = new JsonObject(Fingerprint.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
            ["files"] = new JsonObject(Files.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
        };
        return JsonSerializer.SerializeToUtf8Bytes(json, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a <c>trainer_state.json</c>; anything missing or malformed is an <see cref="InvalidDataException"/> naming the file and key.</summary>
    public static TrainingPosition Read(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(JsonFiles.ReadUtf8(path).Span, documentOptions: JsonFiles.StrictOptions); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e); }
        if (root is not JsonObject json)
            throw new InvalidDataException($"{path} is not a JSON object.");
        int version = Int(json, "format_version", path);
        if (version != FormatVersion)
            throw new InvalidDataException($"{path} has format_version {version}; this version of the library reads {FormatVersion}.");
        string? best = json["best_metric"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        return new TrainingPosition
        {
            Step = Int(json, "step", path),
            Epoch = Int(json, "epoch", path),
            NextBatch = Int(json, "next_batch", path),
            EvaluationsWithoutImprovement = Int(json, "evaluations_without_improvement", path),
            MetricName = Get<string>(json, "metric_name", path),
            BestMetric = best is null ? null : double.Parse(best, NumberStyles.Float, CultureInfo.InvariantCulture),
            BestStep = Int(json, "best_step", path),
            BestEpoch = Int(json, "best_epoch", path),
            Fingerprint = Object(json, "fingerprint", path).ToDictionary(pair => pair.Key, pair => Get<string>(pair.Value, pair.Key, path)),
            Files = Object(json, "files", path).ToDictionary(pair => pair.Key, pair => Get<long>(pair.Value, pair.Key, path)),
        };
    }

    private static int Int(JsonObject json, string key, string path) => Get<int>(json[key], key, path);

    private static T Get<T>(JsonObject json, string key, string path) => Get<T>(json[key], key, path);

    private static T Get<T>(JsonNode? node, string key, string path) =>
        node is JsonValue value && value.TryGetValue<T>(out var result) ? result
            : throw new InvalidDataException($"{path}: '{key}' is missing or not a {typeof(T).Name}.");

    private static JsonObject Object(JsonObject json, string key, string path) =>
        json[key] as JsonObject ?? throw new InvalidDataException($"{path}: '{key}' is missing or not an object.");
}
