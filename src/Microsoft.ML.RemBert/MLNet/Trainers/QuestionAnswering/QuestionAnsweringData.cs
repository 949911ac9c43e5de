using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// Reads training or validation rows (context, question, answer text, answer start) into window examples, checking
/// each answer against its context; errors name the row, the columns and the data.
/// </summary>
internal static class QuestionAnsweringData
{
    /// <summary>The questions of <paramref name="data"/> and their window examples.</summary>
    public static (List<TrainingQuestion> Questions, List<QuestionAnsweringExample> Examples) ReadAll(IDataView data, QuestionAnsweringEncoder encoder,
        string answerColumnName, string answerIndexColumnName, string dataName, CancellationToken cancellationToken)
    {
        encoder.CheckSchema(data.Schema, dataName);
        SequenceEncoder.CheckTextColumn(data.Schema, answerColumnName, "TrainingAnswerColumnName", dataName);
        var index = data.Schema.GetColumnOrNull(answerIndexColumnName)
            ?? throw new ArgumentOutOfRangeException("AnswerIndexColumnName", answerIndexColumnName,
                $"The {dataName} has no column '{answerIndexColumnName}' (AnswerIndexColumnName).");
        if (!index.Type.Equals(NumberDataViewType.Int32))
            throw new ArgumentOutOfRangeException("AnswerIndexColumnName", answerIndexColumnName,
                $"Column '{answerIndexColumnName}' (AnswerIndexColumnName) of the {dataName} is {index.Type}; it must be Int32 (the answer's character start, -1 for no answer).");

        var active = encoder.InputColumns.Select(column => data.Schema[column.Name]).Append(data.Schema[answerColumnName]).Append(index);
        using var cursor = data.GetRowCursor(active);
        var encode = encoder.CreateReader(cursor, dataName);
        var answerGetter = cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[answerColumnName]);
        var indexGetter = cursor.GetGetter<int>(index);
        ReadOnlyMemory<char> answer = default;
        int start = 0;
        var questions = new List<TrainingQuestion>();
        var examples = new List<QuestionAnsweringExample>();
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var windows = encode();
            answerGetter(ref answer);
            indexGetter(ref start);
            string text = answer.ToString();
            CheckAnswer(windows.Context, text, start, cursor.Position, answerColumnName, answerIndexColumnName, dataName);
            var question = new TrainingQuestion(windows, text);
            questions.Add(question);
            examples.AddRange(QuestionAnsweringExample.ForQuestion(question, text.Length == 0 ? -1 : start, start + text.Length));
        }
        if (questions.Count == 0)
            throw new ArgumentException($"The {dataName} has no rows: there is nothing to train on or score.", nameof(data));
        return (questions, examples);
    }

    /// <summary>An empty answer must have start -1; any other answer must be the context's text at its start.</summary>
    internal static void CheckAnswer(string context, string answer, int start, long row, string answerColumnName, string indexColumnName, string dataName)
    {
        string where = $"Row {row} of the {dataName}";
        if (answer.Length == 0)
        {
            if (start != -1)
                throw new InvalidOperationException(
                    $"{where}: the answer in column '{answerColumnName}' is empty (no answer) but column '{indexColumnName}' is {start}; a question without an answer has {indexColumnName} -1.");
            return;
        }
        if (start < 0 || start + answer.Length > context.Length)
            throw new InvalidOperationException(
                $"{where}: column '{indexColumnName}' is {start} but the answer \"{answer}\" of column '{answerColumnName}' ({answer.Length} characters) " +
                $"does not fit in the context of {context.Length} characters.");
        if (string.CompareOrdinal(context, start, answer, 0, answer.Length) != 0)
            throw new InvalidOperationException(
                $"{where}: the context at column '{indexColumnName}' = {start} reads \"{context.Substring(start, answer.Length)}\" but column '{answerColumnName}' is \"{answer}\"; " +
                "the answer must be the context's text at that character start.");
    }
}
