using Microsoft.ML;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.Onnx;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.NamedEntityRecognition;

namespace OnnxAccuracy;

/// <summary>
/// Named-entity recognition: the NamedEntityRecognition sample's tagger (people and places in 9 languages), scored per
/// word on its 54 held-out sentences; the metric is entity-level F1 (seqeval's, as the sample reports it).
/// </summary>
internal sealed class EntityTask : HeldOutTask
{
    private readonly MLContext _mlContext;
    private readonly IReadOnlyList<EntityModel.ModelInput> _rows;
    private readonly IDataView _test;
    private readonly ITransformer _zip;
    private readonly RemBertNamedEntityRecognitionTransformer _model;

    /// <summary>Trains the sample's tagger (its options, pipeline and training rows) and reloads it from <paramref name="zipPath"/>.</summary>
    public EntityTask(SampleArguments arguments, string zipPath, CancellationToken cancellationToken)
    {
        _mlContext = new MLContext(seed: 1);
        var training = SampleData.TrainingRows(_mlContext, EntityModel.LoadData(_mlContext, SampleData.File(EntityModel.TrainingFile)), arguments, quickRows: 90);
        _rows = ConllFile.Read(SampleData.File(EntityModel.TestFile));
        _test = _mlContext.Data.LoadFromEnumerable(_rows);
        var trained = EntityModel.Train(_mlContext, training, EntityModel.TrainerOptions(arguments, cancellationToken));
        _zip = SampleZip.SaveAndReload(_mlContext, trained, training.Schema, zipPath);
        _model = SampleZip.Find<RemBertNamedEntityRecognitionTransformer>(_zip);
    }

    /// <inheritdoc/>
    public override string Name => "named entities";

    /// <inheritdoc/>
    public override string MetricName => "entity F1";

    /// <inheritdoc/>
    public override string Unit => "words";

    /// <inheritdoc/>
    public override int HeldOutRows => _rows.Count;

    /// <inheritdoc/>
    public override IDataView ExportSchema => _mlContext.Data.LoadFromEnumerable(new[] { new WordsInput() });

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithZip()
    {
        var rows = _mlContext.Data.CreateEnumerable<EntityModel.ModelOutput>(_zip.Transform(_test), reuseRowObject: false).ToArray();
        return new EnginePredictions(rows.SelectMany(row => row.PredictedTags).ToArray(), rows.SelectMany(row => row.Score).ToArray());
    }

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithOnnxRuntime(string onnxPath)
    {
        var batch = _model.EncodeForOnnx(_test);
        var ort = OnnxBatchRun.Run(onnxPath, batch.Inputs);
        var tags = batch.PerRow(ort["PredictedLabel.output"].Values<uint>()).SelectMany(row => row).Select(key => _model.TagNames[(int)key - 1]).ToArray();
        var scores = batch.PerRow(ort["Score.output"].Values<float>()).SelectMany(row => row).ToArray();
        return new EnginePredictions(tags, scores);
    }

    /// <inheritdoc/>
    public override ITransformer ForOnnxExport(RemBertOnnxExportOptions options) => _model.ForOnnxExport(options);

    /// <inheritdoc/>
    public override double Metric(IReadOnlyList<string> labels)
    {
        var evaluator = new NamedEntityEvaluator();
        int first = 0;
        foreach (var row in _rows)
        {
            evaluator.Add(row.Tags, labels.Skip(first).Take(row.Tags.Length).ToArray());
            first += row.Tags.Length;
        }
        if (first != labels.Count)
            throw new InvalidOperationException($"{labels.Count} predicted tags for {first} held-out words.");
        return 100 * evaluator.GetMetrics().F1Score;
    }

    /// <inheritdoc/>
    public override void Dispose() => (_zip as IDisposable)?.Dispose();

    private sealed class WordsInput
    {
        public string[] Words { get; set; } = [];
    }
}
