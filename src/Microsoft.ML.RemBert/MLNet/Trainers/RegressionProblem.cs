using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Regression: a Single label (e.g. a sentence-pair similarity), one output trained with mean squared error
/// (transformers' regression problem type); outputs <c>Score</c>, annotated as ML.NET's regression scorer does, for
/// <c>Regression.Evaluate</c>. Validation metrics: RootMeanSquaredError (the default), MeanSquaredError, MeanAbsoluteError, RSquared.
/// </summary>
internal sealed class RegressionProblem : SequenceProblem
{
    public RegressionProblem(string scoreColumnName)
    {
        ScoreColumnName = scoreColumnName;
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(scoreColumnName, NumberDataViewType.Single, (float[] logits, ref float value) => value = logits[0],
                ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.Regression, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations()),
        ];
    }

    public string ScoreColumnName { get; }

    public override SequenceProblemKind Kind => SequenceProblemKind.Regression;

    public override int NumLabels => 1;

    /// <summary>The metrics of this kind of problem, known before any data is read (see <see cref="SequenceProblem.Metrics"/>).</summary>
    public static readonly IReadOnlyList<TrainingMetric> MetricList =
    [
        new("RootMeanSquaredError", HigherIsBetter: false), new("MeanSquaredError", HigherIsBetter: false),
        new("MeanAbsoluteError", HigherIsBetter: false), new("RSquared", HigherIsBetter: true),
    ];

    public override IReadOnlyList<TrainingMetric> Metrics => MetricList;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    protected override string ExpectedLabelType => "Single";

    public override RemBertConfig Configure(RemBertConfig config)
        => config with { NumLabels = 1, Id2Label = null, Label2Id = null, ProblemType = RemBertProblemType.Regression };

    protected override bool AcceptsLabel(DataViewType type) => type == NumberDataViewType.Single;

    public override Tensor LabelTensor(IEnumerable<float[]> labels) => tensor(labels.Select(label => label[0]).ToArray());

    public override IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> rows)
    {
        var labels = SingleLabels(rows);
        double squared = SequenceMetrics.MeanSquaredError(logits, labels);
        return new Dictionary<string, double>
        {
            ["RootMeanSquaredError"] = Math.Sqrt(squared),
            ["MeanSquaredError"] = squared,
            ["MeanAbsoluteError"] = SequenceMetrics.MeanAbsoluteError(logits, labels),
            ["RSquared"] = SequenceMetrics.RSquared(logits, labels),
        };
    }

    /// <summary>Score = the single logit ([batch, 1]).</summary>
    public override void SaveAsOnnx(OnnxGraph graph, string logits) => graph.Column(ScoreColumnName, NumberDataViewType.Single, logits);

    // Layout: string ScoreColumnName.
    public override void Save(BinaryWriter writer) => writer.Write(ScoreColumnName);

    public static RegressionProblem Load(BinaryReader reader) => new(reader.ReadString());
}
