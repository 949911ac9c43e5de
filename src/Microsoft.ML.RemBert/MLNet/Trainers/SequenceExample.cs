using Microsoft.ML.RemBert.MLNet.Training;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// A sentence (pair) training example: its encoding and its label as numbers — the class index for classification
/// (0-based), the target for regression (one number each), a 0/1 per label for multi-label classification.
/// </summary>
internal sealed record SequenceExample(EncodedSequence Encoding, float[] Label) : ITrainingExample
{
    /// <inheritdoc/>
    public int Length => Encoding.InputIds.Length;

    /// <summary>Reads every row of <paramref name="data"/>; errors name the row, column and <paramref name="dataName"/>.</summary>
    public static List<SequenceExample> ReadAll(IDataView data, SequenceEncoder encoder, SequenceHead head, string labelColumnName,
        string dataName, CancellationToken cancellationToken)
    {
        encoder.CheckSchema(data.Schema, dataName);
        var label = head.CheckLabelColumn(data.Schema, labelColumnName, dataName);
        var active = encoder.InputColumns.Select(column => data.Schema[column.Name]).Append(label);
        using var cursor = data.GetRowCursor(active);
        var encode = encoder.CreateReader(cursor, dataName);
        var readLabel = head.CreateLabelReader(cursor, label, dataName);
        var examples = new List<SequenceExample>();
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            examples.Add(new SequenceExample(encode(), readLabel()));
        }
        if (examples.Count == 0)
            throw new ArgumentException($"The {dataName} has no rows: there is nothing to train on or score.", nameof(data));
        return examples;
    }
}
