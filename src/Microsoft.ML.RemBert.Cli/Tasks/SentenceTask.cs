using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// The sentence tasks (text classification, binary classification, regression, multi-label): a .tsv/.csv file with Label,
/// Sentence1 and an optional Sentence2 column; a pair is trained as a pair when the file has Sentence2.
/// </summary>
internal abstract class SentenceTask : CliTask
{
    /// <summary>The type of the Label column the trainer takes (before any key mapping).</summary>
    protected abstract DataViewType LabelType { get; }

    public override string Formats => ".tsv or .csv with a header: Label, Sentence1, optional Sentence2";

    public override IDataView Read(MLContext mlContext, string path) => SentenceFileReader.Read(path, LabelType);

    /// <summary>
    /// Trains <paramref name="trainer"/> with <paramref name="options"/> (the file's columns and the command's arguments
    /// applied), validating on <paramref name="valid"/> as is: the tasks whose label needs no key mapping.
    /// </summary>
    protected static ITransformer TrainOnRawLabels<TOptions>(IDataView train, IDataView? valid, Training.TrainingArguments arguments,
        TOptions options, Func<TOptions, IEstimator<ITransformer>> trainer) where TOptions : RemBertSentenceTrainerOptions
    {
        var applied = arguments.Apply(Columns(options, train));
        applied.ValidationSet = valid;
        return new TransformerChain<ITransformer>(trainer(applied).Fit(train));
    }

    /// <summary>Sets the sentence columns of <paramref name="options"/> to what <paramref name="data"/> has.</summary>
    protected static T Columns<T>(T options, IDataView data) where T : RemBertSentenceTrainerOptions
    {
        options.LabelColumnName = SentenceFileReader.Label;
        options.Sentence1ColumnName = SentenceFileReader.Sentence1;
        options.Sentence2ColumnName = data.Schema.GetColumnOrNull(SentenceFileReader.Sentence2) is null ? null : SentenceFileReader.Sentence2;
        return options;
    }
}
