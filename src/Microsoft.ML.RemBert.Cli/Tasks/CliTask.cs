namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// One task of <c>rembert train</c>/<c>evaluate</c>/<c>predict</c>: how its data file is read, how its pipeline is
/// built and fitted, how a loaded model is recognised as its own, and how it is scored. <see cref="TaskTable"/> lists them.
/// </summary>
internal abstract class CliTask
{
    /// <summary>The name on the command line (<c>rembert train NAME</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The file formats <see cref="Read"/> accepts, for help and errors.</summary>
    public abstract string Formats { get; }

    /// <summary>Reads a data file into the trainer's default columns; a malformed file is an <see cref="InvalidDataException"/> naming the line.</summary>
    public abstract IDataView Read(MLContext mlContext, string path);

    /// <summary>
    /// Reads input for prediction in the task's own format when <paramref name="path"/> is in it (labels optional); null
    /// for files that <c>predict</c>'s generic reader matches to the model's input columns by name (.tsv, .csv, .jsonl).
    /// </summary>
    public virtual IDataView? ReadForPrediction(string path) => null;

    /// <summary>Builds and fits the task's pipeline (label mapping, the RemBERT trainer, mapping back).</summary>
    public abstract ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments);

    /// <summary>True when <paramref name="transformer"/> is this task's trained RemBERT transformer.</summary>
    public abstract bool IsTrainedTransformer(ITransformer transformer);

    /// <summary>Scores <paramref name="data"/> (read by <see cref="Read"/>) with <paramref name="model"/> and computes the task's metrics.</summary>
    public abstract TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data);
}
