using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Regression: a Single label (e.g. a sentence-pair similarity), one output trained with mean squared error
/// (transformers' regression problem type); outputs <c>Score</c>, annotated as ML.NET's regression scorer does, for
/// <c>Regression.Evaluate</c>. Validation metric: RMSE (lower is better).
/// </summary>
internal sealed class RegressionHead : SequenceHead
{
    public RegressionHead(string scoreColumnName)
    {
        ScoreColumnName = scoreColumnName;
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(scoreColumnName, NumberDataViewType.Single, (float[] logits, ref float value) => value = logits[0],
                ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.Regression, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations()),
        ];
    }

    public string ScoreColumnName { get; }

    public override SequenceHeadKind Kind => SequenceHeadKind.Regression;

    public override int NumLabels => 1;

    public override string MetricName => "RMSE";

    public override bool HigherIsBetter => false;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    protected override string ExpectedLabelType => "Single";

    public override RemBertConfig Configure(RemBertConfig config)
        => config with { NumLabels = 1, Id2Label = null, Label2Id = null, ProblemType = RemBertProblemType.Regression };

    protected override bool AcceptsLabel(DataViewType type) => type == NumberDataViewType.Single;

    public override Tensor LabelTensor(IEnumerable<float[]> labels) => tensor(labels.Select(label => label[0]).ToArray());

    public override double Metric(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> labels)
        => Math.Sqrt(Enumerable.Range(0, logits.Count).Average(i => Math.Pow(logits[i][0] - labels[i][0], 2)));

    /// <summary>Score = the single logit ([batch, 1]).</summary>
    public override void SaveAsOnnx(OnnxGraph graph, string logits) => graph.Column(ScoreColumnName, NumberDataViewType.Single, logits);

    // Layout: string ScoreColumnName.
    public override void Save(BinaryWriter writer) => writer.Write(ScoreColumnName);

    public static RegressionHead Load(BinaryReader reader) => new(reader.ReadString());
}
