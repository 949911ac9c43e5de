using System.Text.Json;

namespace MLNetPipelines.QuestionAnswering;

/// <summary>Reads SQuAD 1.1 / 2.0 JSON files: data[].paragraphs[].{context, qas[].{question, answers[].{text, answer_start}}}.</summary>
public static class SquadFile
{
    /// <summary>
    /// One row per question, with its first gold answer (empty text and start -1 for an unanswerable one); an answer
    /// whose text is not at its start in the context is a <see cref="FormatException"/> naming the file and question id.
    /// </summary>
    public static IReadOnlyList<AnswerModel.ModelInput> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var rows = new List<AnswerModel.ModelInput>();
        foreach (var article in document.RootElement.GetProperty("data").EnumerateArray())
        foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
        {
            string context = paragraph.GetProperty("context").GetString() ?? "";
            foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
            {
                var answers = qa.GetProperty("answers");
                string text = answers.GetArrayLength() == 0 ? "" : answers[0].GetProperty("text").GetString() ?? "";
                int start = answers.GetArrayLength() == 0 ? -1 : answers[0].GetProperty("answer_start").GetInt32();
                if (start >= 0 && (start + text.Length > context.Length || string.CompareOrdinal(context, start, text, 0, text.Length) != 0))
                    throw new FormatException($"{path}: question '{qa.GetProperty("id").GetString()}': the answer '{text}' is not at character {start} of its context.");
                rows.Add(new AnswerModel.ModelInput { Context = context, Question = qa.GetProperty("question").GetString() ?? "", TrainingAnswer = text, AnswerIndex = start });
            }
        }
        return rows;
    }
}
