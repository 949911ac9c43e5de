using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// <c>ner</c>: a BIO tag per word, from CoNLL files. Trained as MapValueToKey(Label) → RemBertNamedEntityRecognition →
/// MapKeyToValue(PredictedLabel); the saved chain leaves out the label's MapValueToKey so that it tags sentences without
/// tags. The trainer reads the words from Sentence1 split on whitespace: <see cref="ConllReader"/> joins a sentence's
/// words with single spaces and refuses a word holding whitespace, so the split gives back the file's words exactly
/// (Japanese or Chinese words included), and a prediction input is simply <c>{"Sentence1": "words separated by spaces"}</c>.
/// Scored by entity, as seqeval does.
/// </summary>
internal sealed class NamedEntityTask : CliTask
{
    public override string Name => "ner";

    public override string Formats => "CoNLL: 'word TAB tag' lines (BIO tags), a blank line between sentences";

    public override IDataView Read(MLContext mlContext, string path) => ConllReader.Read(path);

    public override IDataView? ReadForPrediction(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".conll" or ".iob" or ".bio" ? ConllReader.Read(path, requireTags: false) : null;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments)
    {
        // The tags are the training file's; the validation file is keyed with the same map.
        var labelToKey = mlContext.Transforms.Conversion.MapValueToKey(ConllReader.Label).Fit(train);
        var options = arguments.Apply(new RemBertNamedEntityRecognitionOptions
        {
            Sentence1ColumnName = ConllReader.Sentence1,
            LabelColumnName = ConllReader.Label,
        });
        // The default stride (32 tokens) must stay below a window's content: a short --max-length halves the window instead.
        options.Stride = Math.Min(options.Stride, (options.MaxSequenceLength - 2) / 2);
        options.ValidationSet = valid is null ? null : labelToKey.Transform(valid);
        var keyed = labelToKey.Transform(train);
        var trained = mlContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(options).Fit(keyed);
        var keyToLabel = mlContext.Transforms.Conversion.MapKeyToValue(options.PredictedLabelColumnName).Fit(trained.Transform(keyed));
        return new TransformerChain<ITransformer>(trained, keyToLabel);
    }

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertNamedEntityRecognitionTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        // The transformer's key-typed tags carry the tag names; the file's tags are text: the evaluator takes both.
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        var metrics = mlContext.MulticlassClassification.EvaluateNamedEntities(scored, ConllReader.Label, "PredictedLabel");
        return new TaskMetrics(Name,
        [
            ("F1", metrics.F1Score),
            ("precision", metrics.Precision),
            ("recall", metrics.Recall),
            ("macro-F1", metrics.MacroF1Score),
            ("token accuracy", metrics.TokenAccuracy),
            ("entities", metrics.Support),
            ("sentences", metrics.SentenceCount),
        ])
        {
            Breakdown = new BreakdownTable("entityTypes", ["precision", "recall", "F1", "support"],
                metrics.PerEntityType.Select(type => (type.EntityType, (IReadOnlyList<double>)[type.Precision, type.Recall, type.F1Score, type.Support])).ToList()),
        };
    }
}
