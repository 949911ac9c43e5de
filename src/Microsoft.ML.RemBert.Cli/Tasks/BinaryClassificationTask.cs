using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary><c>binary</c>: a Boolean label (true/false, 1/0, yes/no) per text or pair.</summary>
internal sealed class BinaryClassificationTask : SentenceTask
{
    public override string Name => "binary";

    protected override PrimitiveDataViewType LabelType => BooleanDataViewType.Instance;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments) =>
        TrainOnRawLabels(train, valid, arguments, new RemBertBinaryClassificationOptions(), options => mlContext.BinaryClassification.Trainers.RemBert(options));

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertBinaryClassificationTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        CalibratedBinaryClassificationMetrics metrics;
        try
        {
            metrics = mlContext.BinaryClassification.Evaluate(scored, SentenceFileReader.Label);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // ML.NET refuses AUC when the data has only one class: a property of the user's file.
            throw new InvalidDataException($"the data cannot be scored for binary classification: {e.Message}", e);
        }
        var counts = metrics.ConfusionMatrix;
        return new TaskMetrics(Name,
        [
            ("AUC", metrics.AreaUnderRocCurve),
            ("F1", metrics.F1Score),
            ("accuracy", metrics.Accuracy),
            ("log-loss", metrics.LogLoss),
        ])
        {
            // ML.NET's binary confusion matrix orders the positive class first.
            Confusion = new ConfusionTable(["true", "false"],
                Enumerable.Range(0, 2).Select(actual => (IReadOnlyList<double>)Enumerable.Range(0, 2)
                    .Select(predicted => counts.GetCountForClassPair(predicted, actual)).ToList()).ToList()),
        };
    }
}
