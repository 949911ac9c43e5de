using Microsoft.ML.RemBert.MLNet.Training;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// A sentence (pair) training example: its model inputs (one encoding, or its windows under
/// <see cref="Microsoft.ML.RemBert.Trainers.LongTextStrategy.Windows"/>), its label as numbers — the class index for
/// classification (0-based), the target for regression (one number each), a 0/1 per label for multi-label
/// classification — and its weight in the loss.
/// </summary>
internal sealed record SequenceExample(EncodedSequence[] Windows, float[] Label, float Weight = 1f) : ITrainingExample
{
    /// <inheritdoc/>
    public int Length => Windows.Max(window => window.InputIds.Length);

    /// <summary>
    /// Reads every row of <paramref name="data"/>, with its weight from <paramref name="weightColumnName"/> (null: 1);
    /// errors name the row, column and <paramref name="dataName"/>.
    /// </summary>
    public static List<SequenceExample> ReadAll(IDataView data, SequenceEncoder encoder, SequenceProblem head, string labelColumnName,
        string? weightColumnName, string dataName, CancellationToken cancellationToken)
    {
        encoder.CheckSchema(data.Schema, dataName);
        var label = head.CheckLabelColumn(data.Schema, labelColumnName, dataName);
        var weight = ExampleWeightColumn.Find(data.Schema, weightColumnName, dataName);
        var active = encoder.InputColumns.Select(column => data.Schema[column.Name]).Append(label);
        using var cursor = data.GetRowCursor(weight is { } weightColumn ? active.Append(weightColumn) : active);
        var encode = encoder.CreateWindowsReader(cursor, dataName);
        var readLabel = head.CreateLabelReader(cursor, label, dataName);
        var readWeight = ExampleWeightColumn.CreateReader(cursor, weight, dataName);
        var examples = new List<SequenceExample>();
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            examples.Add(new SequenceExample(encode(), readLabel(), readWeight()));
        }
        if (examples.Count == 0)
            throw new ArgumentException($"The {dataName} has no rows: there is nothing to train on or score.", nameof(data));
        ExampleWeightColumn.RequireSomeWeight(examples.Select(example => example.Weight), weight, dataName);
        return examples;
    }
}
