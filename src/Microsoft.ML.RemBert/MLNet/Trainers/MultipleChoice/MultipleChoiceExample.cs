using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>A multiple-choice training example: one encoding per choice, the index of the right choice and its weight in the loss.</summary>
internal sealed record MultipleChoiceExample(EncodedSequence[] Choices, int Label, float Weight = 1f) : ITrainingExample
{
    /// <inheritdoc/>
    public int Length => Choices.Max(choice => choice.InputIds.Length);

    /// <summary>The examples of a data view and what they fix: the choice count and the label's classes.</summary>
    public sealed record Set(List<MultipleChoiceExample> Examples, int[] ChoiceOfClass);

    /// <summary>
    /// Reads every row of <paramref name="data"/>. The choice count is <paramref name="expectedChoices"/> when given
    /// (the training data's, for a validation set), else the choices column's size or its first row's count. Errors
    /// name the row, the column and <paramref name="dataName"/>. Weights come from <paramref name="weightColumnName"/> (null: 1).
    /// </summary>
    public static Set ReadAll(IDataView data, MultipleChoiceEncoder encoder, string labelColumnName, string? weightColumnName, string dataName,
        int? expectedChoices, CancellationToken cancellationToken)
    {
        int? typeChoices = encoder.CheckSchema(data.Schema, dataName);
        var label = ChoiceLabel.Find(data.Schema, labelColumnName, dataName);
        if (expectedChoices is { } expected && typeChoices is { } size && size != expected)
            throw new ArgumentOutOfRangeException(nameof(RemBertMultipleChoiceOptions.ChoicesColumnName), encoder.ChoicesColumnName,
                $"Column '{encoder.ChoicesColumnName}' of the {dataName} has {size} choices per row but the training data has {expected}.");
        var weight = ExampleWeightColumn.Find(data.Schema, weightColumnName, dataName);
        var active = encoder.InputColumns.Select(column => data.Schema[column.Name]).Append(label.Column);
        var rows = new List<(EncodedSequence[] Choices, long RawLabel, float Weight, long Position)>();
        using (var cursor = data.GetRowCursor(weight is { } weightColumn ? active.Append(weightColumn) : active))
        {
            var encode = expectedChoices is null
                ? encoder.CreateReader(cursor, dataName, typeChoices, typeChoices is null ? null : $"its type ({data.Schema[encoder.ChoicesColumnName].Type})")
                : encoder.CreateReader(cursor, dataName, expectedChoices, "the training data");
            var readLabel = label.CreateRawReader(cursor);
            var readWeight = ExampleWeightColumn.CreateReader(cursor, weight, dataName);
            while (cursor.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows.Add((encode(), readLabel(), readWeight(), cursor.Position));
            }
        }
        if (rows.Count == 0)
            throw new ArgumentException($"The {dataName} has no rows: there is nothing to train on or score.", nameof(data));
        var choiceOfClass = label.ChoiceOfClass(rows[0].Choices.Length);
        var examples = rows.Select(row => new MultipleChoiceExample(row.Choices, label.ChoiceOf(row.RawLabel, choiceOfClass, row.Position), row.Weight)).ToList();
        ExampleWeightColumn.RequireSomeWeight(examples.Select(example => example.Weight), weight, dataName);
        ChoiceClasses.Check(choiceOfClass, labelColumnName, dataName);
        return new Set(examples, choiceOfClass);
    }
}
