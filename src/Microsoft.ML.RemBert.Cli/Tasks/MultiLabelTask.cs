using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// <c>multi-label</c>: any number of labels per text (or pair), joined by <c>,</c> in the Label field (an empty field:
/// no label). Trained with the multi-label trainer straight on the labels read as a vector of text (no key mapping, so
/// the saved model predicts rows without labels as they are); the label set is the training file's labels. Scored with
/// scikit-learn's multi-label definitions; macro F1 first (the validation metric training keeps the best epoch by).
/// </summary>
internal sealed class MultiLabelTask : SentenceTask
{
    public override string Name => "multi-label";

    public override string Formats => ".tsv or .csv with a header: Label (the labels joined by ',', empty for none), Sentence1, optional Sentence2";

    protected override DataViewType LabelType => TextVectors.Type;

    // The generic reader would read a Label field as one text; this one splits it, and reads files without labels too.
    public override IDataView? ReadForPrediction(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".tsv" or ".csv" ? SentenceFileReader.Read(path, LabelType, labelRequired: false) : null;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments) =>
        TrainOnRawLabels(train, valid, arguments, new RemBertMultiLabelOptions(), options => mlContext.MulticlassClassification.Trainers.RemBertMultiLabel(options));

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertMultiLabelTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        var metrics = mlContext.MulticlassClassification.EvaluateMultiLabel(scored, SentenceFileReader.Label, "PredictedLabels", "Score");
        return new TaskMetrics(Name,
        [
            ("macro-F1", metrics.MacroF1),
            ("micro-F1", metrics.MicroF1),
            ("micro-precision", metrics.MicroPrecision),
            ("micro-recall", metrics.MicroRecall),
            ("subset accuracy", metrics.SubsetAccuracy),
            ("Hamming loss", metrics.HammingLoss),
        ])
        {
            Breakdown = new BreakdownTable("labels", ["precision", "recall", "F1", "support"],
                metrics.PerLabel.Select(label => (label.Label, (IReadOnlyList<double>)[label.Precision, label.Recall, label.F1Score, label.Support])).ToList()),
        };
    }
}
