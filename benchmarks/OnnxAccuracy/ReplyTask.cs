using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.Onnx;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.MultipleChoice;

namespace OnnxAccuracy;

/// <summary>
/// Multiple choice: the MultipleChoice sample's reply picker (four replies per request, 9 languages), scored on its
/// 135 held-out requests; the metric is accuracy (the right reply picked).
/// </summary>
internal sealed class ReplyTask : HeldOutTask
{
    private readonly MLContext _mlContext;
    private readonly IReadOnlyList<ReplyModel.ModelInput> _rows;
    private readonly IDataView _test;
    private readonly ITransformer _zip;
    private readonly RemBertMultipleChoiceTransformer _model;
    private readonly uint[] _choiceOfKey;

    /// <summary>Trains the sample's picker (its options, pipeline and training rows) and reloads it from <paramref name="zipPath"/>.</summary>
    public ReplyTask(SampleArguments arguments, string zipPath, CancellationToken cancellationToken)
    {
        _mlContext = new MLContext(seed: 1);
        var training = SampleData.TrainingRows(_mlContext, ReplyModel.LoadData(_mlContext, SampleData.File(ReplyModel.TrainingFile)), arguments, quickRows: 120);
        _rows = ChoiceFile.Read(SampleData.File(ReplyModel.TestFile));
        _test = _mlContext.Data.LoadFromEnumerable(_rows);
        var trained = ReplyModel.Train(_mlContext, training, ReplyModel.TrainerOptions(arguments, cancellationToken));
        _zip = SampleZip.SaveAndReload(_mlContext, trained, training.Schema, zipPath);
        _model = SampleZip.Find<RemBertMultipleChoiceTransformer>(_zip);
        _choiceOfKey = SampleZip.KeyValues<uint>(_zip.GetOutputSchema(_test.Schema)["Label"]);
    }

    /// <inheritdoc/>
    public override string Name => "multiple choice";

    /// <inheritdoc/>
    public override string MetricName => "accuracy";

    /// <inheritdoc/>
    public override string Unit => "rows";

    /// <inheritdoc/>
    public override int HeldOutRows => _rows.Count;

    /// <inheritdoc/>
    public override IDataView ExportSchema => _mlContext.Data.LoadFromEnumerable(new[] { new ChoiceInput() });

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithZip()
    {
        var rows = _mlContext.Data.CreateEnumerable<ReplyModel.ModelOutput>(_zip.Transform(_test), reuseRowObject: false).ToArray();
        return new EnginePredictions(rows.Select(row => Text(row.PredictedChoice)).ToArray(), rows.SelectMany(row => row.Score).ToArray());
    }

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithOnnxRuntime(string onnxPath)
    {
        var ort = OnnxBatchRun.Run(onnxPath, _model.EncodeForOnnx(_test).Inputs);
        var choices = ort["PredictedLabel.output"].Values<uint>().Select(key => Text(_choiceOfKey[key - 1])).ToArray();
        return new EnginePredictions(choices, ort["Score.output"].Values<float>());
    }

    /// <inheritdoc/>
    public override ITransformer ForOnnxExport(RemBertOnnxExportOptions options) => _model.ForOnnxExport(options);

    /// <inheritdoc/>
    public override double Metric(IReadOnlyList<string> labels) => 100 * Accuracy.Of(labels, _rows.Select(row => Text(row.Label)).ToArray());

    /// <inheritdoc/>
    public override void Dispose() => (_zip as IDisposable)?.Dispose();

    private static string Text(uint choice) => choice.ToString(CultureInfo.InvariantCulture);

    private sealed class ChoiceInput
    {
        public string Prompt { get; set; } = "";
        public string[] Choices { get; set; } = [];
    }
}
