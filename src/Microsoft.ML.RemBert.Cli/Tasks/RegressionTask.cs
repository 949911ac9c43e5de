using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary><c>regression</c>: a number per text or pair (e.g. a similarity score).</summary>
internal sealed class RegressionTask : SentenceTask
{
    public override string Name => "regression";

    protected override PrimitiveDataViewType LabelType => NumberDataViewType.Single;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments) =>
        TrainOnRawLabels(train, valid, arguments, new RemBertRegressionOptions(), options => mlContext.Regression.Trainers.RemBert(options));

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertRegressionTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        var metrics = mlContext.Regression.Evaluate(scored, SentenceFileReader.Label);
        var labels = scored.GetColumn<float>(SentenceFileReader.Label).ToArray();
        var scores = scored.GetColumn<float>("Score").ToArray();
        return new TaskMetrics(Name,
        [
            ("RMSE", metrics.RootMeanSquaredError),
            ("R²", metrics.RSquared),
            ("Pearson", Pearson(labels, scores)),
            ("MAE", metrics.MeanAbsoluteError),
        ]);
    }

    /// <summary>Pearson's correlation; NaN when either side is constant (it is undefined there).</summary>
    public static double Pearson(IReadOnlyList<float> x, IReadOnlyList<float> y)
    {
        double meanX = x.Average(v => (double)v), meanY = y.Average(v => (double)v);
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }
        return covariance / Math.Sqrt(varianceX * varianceY);
    }
}
