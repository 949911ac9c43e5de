using MLNetPipelines.Common;
using MLNetPipelines.TextClassification;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.Onnx;
using Microsoft.ML.RemBert.Trainers;

namespace OnnxAccuracy;

/// <summary>
/// Text classification: the main job (TextClassification sample's intent classifier, 5 intents in 9 languages), scored
/// on its 135 held-out requests. ONNX side: the ids-in export fed the zip's own tokenization (the transformer's ONNX
/// input tokenizer), so both engines see the same ids and only the forward pass differs.
/// </summary>
internal sealed class IntentTask : HeldOutTask
{
    private static readonly string[] IdColumns = ["InputIds", "AttentionMask", "TokenTypeIds"];
    private readonly MLContext _mlContext;
    private readonly IDataView _test;
    private readonly string[] _truth;
    private readonly ITransformer _zip;
    private readonly RemBertScoringTransformer _model;
    private readonly string[] _intents;

    /// <summary>Trains the main job's classifier (the sample's options and pipeline) and reloads it from <paramref name="zipPath"/>.</summary>
    public IntentTask(SampleArguments arguments, string zipPath, CancellationToken cancellationToken)
    {
        _mlContext = new MLContext(seed: 1);
        var training = IntentModel.LoadData(_mlContext, SampleData.File(IntentModel.TrainingFile));
        _test = IntentModel.LoadData(_mlContext, SampleData.File(IntentModel.TestFile));
        _truth = _mlContext.Data.CreateEnumerable<IntentModel.ModelInput>(_test, reuseRowObject: false).Select(row => row.Label).ToArray();
        var trained = IntentModel.Train(_mlContext, training, IntentModel.TrainerOptions(arguments, cancellationToken));
        _zip = SampleZip.SaveAndReload(_mlContext, trained, training.Schema, zipPath);
        _model = SampleZip.Find<RemBertScoringTransformer>(_zip);
        _intents = SampleZip.KeyValues<ReadOnlyMemory<char>>(_zip.GetOutputSchema(_test.Schema)["Label"]).Select(name => name.ToString()).ToArray();
    }

    /// <inheritdoc/>
    public override string Name => "text classification (intents)";

    /// <inheritdoc/>
    public override string MetricName => "accuracy";

    /// <inheritdoc/>
    public override string Unit => "rows";

    /// <inheritdoc/>
    public override int HeldOutRows => _truth.Length;

    /// <inheritdoc/>
    public override IDataView ExportSchema => _mlContext.Data.LoadFromEnumerable(new[] { new SentenceInput() });

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithZip()
    {
        var rows = _mlContext.Data.CreateEnumerable<IntentModel.ModelOutput>(_zip.Transform(_test), reuseRowObject: false).ToArray();
        return new EnginePredictions(rows.Select(row => row.PredictedLabel).ToArray(), rows.SelectMany(row => row.Score).ToArray());
    }

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithOnnxRuntime(string onnxPath)
    {
        var tokenized = _model.CreateOnnxInputTokenizer().Transform(_test);
        var inputs = IdColumns.Select(name =>
        {
            var rows = tokenized.GetColumn<long[]>(name).ToArray();
            return new OnnxInputTensor(name, rows.SelectMany(row => row).ToArray(), [rows.Length, rows[0].Length]);
        }).ToArray();
        var ort = OnnxBatchRun.Run(onnxPath, inputs);
        var labels = ort["PredictedLabel.output"].Values<uint>().Select(key => _intents[key - 1]).ToArray();
        return new EnginePredictions(labels, ort["Score.output"].Values<float>());
    }

    /// <inheritdoc/>
    public override ITransformer ForOnnxExport(RemBertOnnxExportOptions options) => _model.ForOnnxExport(options with { TokenIdsInput = true });

    /// <inheritdoc/>
    public override double Metric(IReadOnlyList<string> labels) => 100 * Accuracy.Of(labels, _truth);

    /// <inheritdoc/>
    public override void Dispose() => (_zip as IDisposable)?.Dispose();

    private sealed class SentenceInput
    {
        public string Sentence1 { get; set; } = "";
    }
}
