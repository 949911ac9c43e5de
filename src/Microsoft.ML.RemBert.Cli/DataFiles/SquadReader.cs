using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// Reads SQuAD 1.1/2.0 JSON (<c>{"data": [{"paragraphs": [{"context", "qas": [{"question", "answers": [{"text",
/// "answer_start"}], "is_impossible"}]}]}]}</c>), one row per question: <c>Context</c>, <c>Question</c>,
/// <c>TrainingAnswer</c> (the first answer's text; empty for an impossible question), <c>AnswerIndex</c> (its character
/// start; -1 for an impossible question) and <c>Answers</c> (every gold answer, for evaluation). An error names the file and
/// the JSON path of the element at fault (syntax errors: the line and position).
/// </summary>
internal static class SquadReader
{
    public const string Context = "Context", Question = "Question", TrainingAnswer = "TrainingAnswer", AnswerIndex = "AnswerIndex", Answers = "Answers";

    /// <summary>The largest SQuAD file read (SQuAD 2.0's training set is 42 MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Reads <paramref name="path"/>; without <paramref name="requireAnswers"/> questions may have no <c>answers</c> (input for prediction).</summary>
    public static IDataView Read(string path, bool requireAnswers = true)
    {
        TextVectors.RequireFile(path);
        using var document = JsonInputFile.Parse(path, MaxFileBytes, "a SQuAD JSON file");
        var rows = new List<object[]>();
        var data = Property(path, document.RootElement, "data", "", JsonValueKind.Array);
        int article = 0;
        foreach (var entry in data.EnumerateArray())
        {
            string articlePath = $"data[{article++}]";
            int paragraph = 0;
            foreach (var paragraphElement in Property(path, entry, "paragraphs", articlePath, JsonValueKind.Array).EnumerateArray())
            {
                string paragraphPath = $"{articlePath}.paragraphs[{paragraph++}]";
                string context = BoundedText(path, Property(path, paragraphElement, "context", paragraphPath, JsonValueKind.String), paragraphPath + ".context");
                if (context.Length == 0) throw Bad(path, paragraphPath + ".context", "the context is empty");
                int question = 0;
                foreach (var qa in Property(path, paragraphElement, "qas", paragraphPath, JsonValueKind.Array).EnumerateArray())
                    rows.Add(ReadQuestion(path, $"{paragraphPath}.qas[{question++}]", context, qa, requireAnswers));
            }
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path}: the file holds no question.");
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(Context, TextDataViewType.Instance);
        schema.AddColumn(Question, TextDataViewType.Instance);
        schema.AddColumn(TrainingAnswer, TextDataViewType.Instance);
        schema.AddColumn(AnswerIndex, NumberDataViewType.Int32);
        schema.AddColumn(Answers, TextVectors.Type);
        return new InMemoryDataView(schema.ToSchema(), rows);
    }

    private static object[] ReadQuestion(string path, string qaPath, string context, JsonElement qa, bool requireAnswers)
    {
        string question = BoundedText(path, Property(path, qa, "question", qaPath, JsonValueKind.String), qaPath + ".question");
        bool impossible = qa.TryGetProperty("is_impossible", out var flag) && (flag.ValueKind == JsonValueKind.True
            || (flag.ValueKind != JsonValueKind.False ? throw Bad(path, qaPath + ".is_impossible", "is not true or false") : false));
        var answers = new List<(string Text, int Start)>();
        if (qa.TryGetProperty("answers", out var answerArray) || requireAnswers && !impossible)
        {
            if (answerArray.ValueKind != JsonValueKind.Array) throw Bad(path, qaPath + ".answers", "is missing or not an array");
            int index = 0;
            foreach (var answer in answerArray.EnumerateArray())
            {
                string answerPath = $"{qaPath}.answers[{index++}]";
                string text = Property(path, answer, "text", answerPath, JsonValueKind.String).GetString()!;
                var startElement = Property(path, answer, "answer_start", answerPath, JsonValueKind.Number);
                if (!startElement.TryGetInt32(out int start) || start < 0 || start + text.Length > context.Length
                    || string.CompareOrdinal(context, start, text, 0, text.Length) != 0)
                    throw Bad(path, answerPath + ".answer_start", $"{startElement.GetRawText()} does not start the answer '{text}' in the context");
                answers.Add((text, start));
            }
        }
        if (requireAnswers && !impossible && answers.Count == 0) throw Bad(path, qaPath + ".answers", "is empty for a question that is not is_impossible");
        bool answered = !impossible && answers.Count > 0;
        return [context.AsMemory(), question.AsMemory(), (answered ? answers[0].Text : "").AsMemory(), answered ? answers[0].Start : -1,
            TextVectors.Of(impossible ? [] : answers.Select(a => a.Text))];
    }

    private static JsonElement Property(string path, JsonElement parent, string name, string parentPath, JsonValueKind kind)
    {
        string at = parentPath.Length == 0 ? name : $"{parentPath}.{name}";
        if (parent.ValueKind != JsonValueKind.Object) throw Bad(path, parentPath.Length == 0 ? "the top level" : parentPath, "is not a JSON object");
        if (!parent.TryGetProperty(name, out var value)) throw Bad(path, at, "is missing");
        if (value.ValueKind != kind) throw Bad(path, at, $"is {value.ValueKind}, expected {kind}");
        return value;
    }

    /// <summary>
    /// The string, refused (before it is copied out of the document) past <see cref="DataFileLines.MaxLineBytes"/>, the
    /// bound of a line of every other data file: a context is windowed whole, so its length is the memory it takes.
    /// </summary>
    private static string BoundedText(string path, JsonElement value, string at)
    {
        int rawBytes = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value).Length - 2; // without the quotes
        if (rawBytes > DataFileLines.MaxLineBytes)
            throw Bad(path, at, $"is {rawBytes:N0} bytes long, more than the {DataFileLines.MaxLineBytes:N0} a text of a data file may have");
        return value.GetString()!;
    }

    private static InvalidDataException Bad(string path, string at, string what) => new($"{path}: key {at} {what}.");
}
