using System.Text.Json;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>The multilingual keyword tasks of the trainer tests, written as the CLI's data files.</summary>
internal static class CliTaskData
{
    /// <summary>Intent classification: Label (weather/music/alarm) and Sentence1.</summary>
    public static string Intents(string path, int count, int seed) =>
        WriteLines(path, KeywordData.IntentRows(count, seed).Select(row => $"{row.Label}\t{row.Sentence1}").Prepend("Label\tSentence1"));

    /// <summary>Binary: is the intent weather.</summary>
    public static string WeatherOrNot(string path, int count, int seed) =>
        WriteLines(path, KeywordData.IntentRows(count, seed).Select(row => $"{(row.Label == "weather" ? "true" : "false")}\t{row.Sentence1}").Prepend("Label\tSentence1"));

    /// <summary>Pair regression: the share of keywords two sentences have in common.</summary>
    public static string Overlaps(string path, int count, int seed) =>
        WriteLines(path, KeywordData.PairRows(count, seed).Select(row => $"{row.Label:R}\t{row.Sentence1}\t{row.Sentence2}").Prepend("Label\tSentence1\tSentence2"));

    /// <summary>NER as CoNLL: names and places in six languages, 'word TAB tag' lines, a blank line between sentences.</summary>
    public static string Entities(string path, int count, int seed) =>
        WriteLines(path, NamedEntityData.Rows(count, seed).SelectMany(row => row.Words.Zip(row.Tags, (word, tag) => $"{word}\t{tag}").Append("")));

    /// <summary>QA as SQuAD 2.0 JSON: one paragraph per code-word context, a quarter of the questions unanswerable.</summary>
    public static string CodeWords(string path, int count, int seed)
    {
        var paragraphs = AnswerData.Rows(count, seed, sentences: 2).Select((row, i) => new
        {
            context = row.Context,
            qas = new[]
            {
                new
                {
                    id = $"q{i}",
                    question = row.Question,
                    answers = row.AnswerIndex < 0 ? [] : new[] { new { text = row.TrainingAnswer, answer_start = row.AnswerIndex } },
                    is_impossible = row.AnswerIndex < 0,
                },
            },
        });
        File.WriteAllText(path, JsonSerializer.Serialize(new { version = "v2.0", data = new[] { new { title = "code words", paragraphs } } }));
        return path;
    }

    /// <summary>Multiple choice as JSON lines: a request in eight languages and four replies, one naming its topic.</summary>
    public static string Replies(string path, int count, int seed) =>
        WriteLines(path, ChoiceData.Rows(count, seed).Select(row => JsonSerializer.Serialize(new { prompt = row.Prompt, choices = row.Choices, label = row.Label })));

    private static string WriteLines(string path, IEnumerable<string> lines)
    {
        File.WriteAllLines(path, lines);
        return path;
    }
}
