using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// <c>text-classification</c>: a text label per text (or pair). Trained as MapValueToKey → RemBert → MapKeyToValue; the
/// saved chain leaves out the label's MapValueToKey so that it predicts rows that have no label, and evaluation keys
/// the labels with the model's own classes (the predicted label's key values) instead.
/// </summary>
internal sealed class TextClassificationTask : SentenceTask
{
    public override string Name => "text-classification";

    protected override PrimitiveDataViewType LabelType => TextDataViewType.Instance;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments)
    {
        // The classes are the training file's labels; the validation file is keyed with the same map.
        var labelToKey = mlContext.Transforms.Conversion.MapValueToKey(SentenceFileReader.Label).Fit(train);
        var options = arguments.Apply(Columns(new RemBertTextClassificationOptions(), train));
        options.ValidationSet = valid is null ? null : labelToKey.Transform(valid);
        var keyed = labelToKey.Transform(train);
        var trained = mlContext.MulticlassClassification.Trainers.RemBert(options).Fit(keyed);
        var keyToLabel = mlContext.Transforms.Conversion.MapKeyToValue(options.PredictionColumnName).Fit(trained.Transform(keyed));
        return new TransformerChain<ITransformer>(trained, keyToLabel);
    }

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertTextClassificationTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        var classes = ClassNames(scored.Schema["PredictedLabel"]);
        var unknown = data.GetColumn<ReadOnlyMemory<char>>(SentenceFileReader.Label).Select(l => l.ToString()).FirstOrDefault(l => !classes.Contains(l));
        if (unknown is not null)
            throw new InvalidDataException($"the data has the label '{unknown}', which is not one of the model's classes ({string.Join(", ", classes)}).");
        var keyData = mlContext.Data.LoadFromEnumerable(classes.Select(name => new ClassName { Name = name }));
        var keyed = mlContext.Transforms.Conversion.MapValueToKey(SentenceFileReader.Label, keyData: keyData).Fit(scored).Transform(scored);
        var metrics = mlContext.MulticlassClassification.Evaluate(keyed, SentenceFileReader.Label);
        var counts = Enumerable.Range(0, classes.Count)
            .Select(actual => (IReadOnlyList<double>)Enumerable.Range(0, classes.Count).Select(predicted => metrics.ConfusionMatrix.GetCountForClassPair(predicted, actual)).ToList())
            .ToList();
        return new TaskMetrics(Name,
        [
            ("accuracy", metrics.MicroAccuracy),
            ("macro-F1", MacroF1(counts)),
            ("macro-accuracy", metrics.MacroAccuracy),
            ("log-loss", metrics.LogLoss),
        ])
        { Confusion = new ConfusionTable(classes, counts) };
    }

    /// <summary>The mean over classes of F1 = 2PR/(P+R), from counts[actual][predicted]; a class never predicted nor present scores 0, as scikit-learn's does.</summary>
    public static double MacroF1(IReadOnlyList<IReadOnlyList<double>> counts)
    {
        int n = counts.Count;
        double sum = 0;
        for (int c = 0; c < n; c++)
        {
            double truePositives = counts[c][c];
            double actual = counts[c].Sum(), predicted = Enumerable.Range(0, n).Sum(row => counts[row][c]);
            double precision = predicted > 0 ? truePositives / predicted : 0, recall = actual > 0 ? truePositives / actual : 0;
            sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        }
        return n > 0 ? sum / n : 0;
    }

    /// <summary>The model's classes in key order: the key values of its predicted label.</summary>
    private static IReadOnlyList<string> ClassNames(DataViewSchema.Column predictedLabel)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        predictedLabel.GetKeyValues(ref names);
        return names.DenseValues().Select(name => name.ToString()).ToList();
    }

    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }
}
