using Microsoft.ML.RemBert.Tests.MLNet.Trainers;

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

    private static string WriteLines(string path, IEnumerable<string> lines)
    {
        File.WriteAllLines(path, lines);
        return path;
    }
}
