using Microsoft.ML;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.Onnx;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.QuestionAnswering;

namespace OnnxAccuracy;

/// <summary>
/// Question answering: the QuestionAnswering sample's answerer (profiles in 9 languages, a third of the questions
/// unanswerable), scored on its held-out questions; the metric is SQuAD v2 F1 (percent, as the sample reports it).
/// ONNX side: the span-logits export (<c>ForOnnxSpanLogitsExport</c>) and the zip's own span selection
/// (<c>EncodeForOnnx(...).Answers</c>). A row's label is its best answer ("" for no answer), its score that
/// answer's probability.
/// </summary>
internal sealed class AnswerTask : HeldOutTask
{
    private readonly MLContext _mlContext;
    private readonly IReadOnlyList<AnswerModel.ModelInput> _rows;
    private readonly IDataView _test;
    private readonly ITransformer _zip;
    private readonly RemBertQuestionAnsweringTransformer _model;

    /// <summary>Trains the sample's answerer (its options, pipeline and training rows) and reloads it from <paramref name="zipPath"/>.</summary>
    public AnswerTask(SampleArguments arguments, string zipPath, CancellationToken cancellationToken)
    {
        _mlContext = new MLContext(seed: 1);
        var training = SampleData.TrainingRows(_mlContext, AnswerModel.LoadData(_mlContext, SampleData.File(AnswerModel.TrainingFile)), arguments, quickRows: 108);
        _rows = SquadFile.Read(SampleData.File(AnswerModel.TestFile));
        _test = _mlContext.Data.LoadFromEnumerable(_rows);
        var trained = AnswerModel.Train(_mlContext, training, AnswerModel.TrainerOptions(arguments, cancellationToken));
        _zip = SampleZip.SaveAndReload(_mlContext, trained, training.Schema, zipPath);
        _model = SampleZip.Find<RemBertQuestionAnsweringTransformer>(_zip);
    }

    /// <inheritdoc/>
    public override string Name => "question answering";

    /// <inheritdoc/>
    public override string MetricName => "SQuAD F1";

    /// <inheritdoc/>
    public override string Unit => "rows";

    /// <inheritdoc/>
    public override int HeldOutRows => _rows.Count;

    /// <inheritdoc/>
    public override IDataView ExportSchema => _mlContext.Data.LoadFromEnumerable(new[] { new QuestionInput() });

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithZip()
    {
        var rows = _mlContext.Data.CreateEnumerable<AnswerModel.ModelOutput>(_zip.Transform(_test), reuseRowObject: false).ToArray();
        return Best(rows.Select(row => (row.Answer, row.Score)));
    }

    /// <inheritdoc/>
    public override EnginePredictions ScoreWithOnnxRuntime(string onnxPath)
    {
        var batch = _model.EncodeForOnnx(_test);
        var ort = OnnxBatchRun.Run(onnxPath, batch.Inputs);
        var answers = batch.Answers(ort["StartLogits.output"].Values<float>(), ort["EndLogits.output"].Values<float>());
        return Best(answers.Select(row => (row.Answers, row.Scores)));
    }

    /// <inheritdoc/>
    public override ITransformer ForOnnxExport(RemBertOnnxExportOptions options) => _model.ForOnnxSpanLogitsExport(options);

    /// <inheritdoc/>
    public override double Metric(IReadOnlyList<string> labels)
    {
        if (labels.Count != _rows.Count)
            throw new InvalidOperationException($"{labels.Count} answers for {_rows.Count} held-out questions.");
        var evaluator = new QuestionAnsweringEvaluator();
        foreach (var (row, answer) in _rows.Zip(labels))
            evaluator.Add([row.TrainingAnswer], answer);
        return evaluator.GetMetrics().F1Score;
    }

    /// <inheritdoc/>
    public override void Dispose() => (_zip as IDisposable)?.Dispose();

    /// <summary>Each row's best answer and its probability, as EvaluateQuestionAnswering reads them (no answer at all: "").</summary>
    private static EnginePredictions Best(IEnumerable<(string[] Answers, float[] Scores)> rows)
    {
        var list = rows.ToArray();
        return new EnginePredictions(
            list.Select(row => row.Answers.Length == 0 ? "" : row.Answers[0]).ToArray(),
            list.Select(row => row.Scores.Length == 0 ? 0f : row.Scores[0]).ToArray());
    }

    private sealed class QuestionInput
    {
        public string Context { get; set; } = "";
        public string Question { get; set; } = "";
    }
}
