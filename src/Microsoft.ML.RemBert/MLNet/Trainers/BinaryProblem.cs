using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Binary classification: a Boolean label, two logits trained with cross entropy (transformers' usual binary head);
/// outputs <c>Score</c> (the log-odds, logit[true] − logit[false]), <c>Probability</c> (its sigmoid, the softmax
/// probability of true) and <c>PredictedLabel</c> (score &gt; 0), annotated as ML.NET's binary scorer does, so
/// <c>BinaryClassification.Evaluate</c> works. Validation metrics: Accuracy (the default), Auc, F1Score, LogLoss.
/// </summary>
internal sealed class BinaryProblem : SequenceProblem
{
    public BinaryProblem(string scoreColumnName, string probabilityColumnName, string predictedLabelColumnName)
    {
        ScoreColumnName = scoreColumnName;
        ProbabilityColumnName = probabilityColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        const string kind = AnnotationUtils.Const.ScoreColumnKind.BinaryClassification;
        var probabilityAnnotations = ScoreAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Probability);
        probabilityAnnotations.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(scoreColumnName, NumberDataViewType.Single,
                (float[] logits, ref float value) => value = LogOdds(logits), ScoreAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations()),
            ScoringOutputColumn<float[]>.Create(probabilityColumnName, NumberDataViewType.Single,
                (float[] logits, ref float value) => value = (float)(1 / (1 + Math.Exp(-(double)LogOdds(logits)))), probabilityAnnotations.ToAnnotations()),
            ScoringOutputColumn<float[]>.Create(predictedLabelColumnName, BooleanDataViewType.Instance,
                (float[] logits, ref bool value) => value = LogOdds(logits) > 0, ScoreAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.PredictedLabel).ToAnnotations()),
        ];
    }

    public string ScoreColumnName { get; }

    public string ProbabilityColumnName { get; }

    public string PredictedLabelColumnName { get; }

    public override SequenceProblemKind Kind => SequenceProblemKind.Binary;

    public override int NumLabels => 2;

    /// <summary>The metrics of this kind of problem, known before any data is read (see <see cref="SequenceProblem.Metrics"/>).</summary>
    public static readonly IReadOnlyList<TrainingMetric> MetricList =
        [new("Accuracy", HigherIsBetter: true), new("Auc", HigherIsBetter: true), new("F1Score", HigherIsBetter: true), new("LogLoss", HigherIsBetter: false)];

    public override IReadOnlyList<TrainingMetric> Metrics => MetricList;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    protected override string ExpectedLabelType => "Boolean";

    public override RemBertConfig Configure(RemBertConfig config)
        => config.WithLabels(["False", "True"]) with { ProblemType = RemBertProblemType.SingleLabelClassification };

    protected override bool AcceptsLabel(DataViewType type) => type is BooleanDataViewType;

    public override Tensor LabelTensor(IEnumerable<float[]> labels) => ClassIndices(labels);

    public override IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> rows)
    {
        var labels = SingleLabels(rows);
        var scores = logits.Select(row => (double)LogOdds(row)).ToArray();
        return new Dictionary<string, double>
        {
            ["Accuracy"] = SequenceMetrics.MicroAccuracy(logits, labels),
            ["Auc"] = SequenceMetrics.Auc(scores, labels),
            ["F1Score"] = SequenceMetrics.F1Score(scores, labels),
            ["LogLoss"] = SequenceMetrics.LogLoss(logits, labels),
        };
    }

    /// <summary>Score = logit[true] − logit[false] ([batch, 1]); Probability = its sigmoid; PredictedLabel = Score &gt; 0.</summary>
    public override void SaveAsOnnx(OnnxGraph graph, string logits)
    {
        string Logit(long index) => graph.Op("Slice", logits, graph.Longs(index), graph.Longs(index + 1), graph.Longs(1));
        var logOdds = graph.Op("Sub", Logit(1), Logit(0));
        graph.Column(ScoreColumnName, NumberDataViewType.Single, logOdds);
        graph.Column(ProbabilityColumnName, NumberDataViewType.Single, graph.Op("Sigmoid", logOdds));
        graph.Column(PredictedLabelColumnName, BooleanDataViewType.Instance, graph.Op("Greater", logOdds, graph.Scalar(0f)));
    }

    // Layout: string ScoreColumnName, string ProbabilityColumnName, string PredictedLabelColumnName.
    public override void Save(BinaryWriter writer)
    {
        writer.Write(ScoreColumnName);
        writer.Write(ProbabilityColumnName);
        writer.Write(PredictedLabelColumnName);
    }

    public static BinaryProblem Load(BinaryReader reader) => new(reader.ReadString(), reader.ReadString(), reader.ReadString());

    private static float LogOdds(float[] logits) => logits[1] - logits[0];
}
