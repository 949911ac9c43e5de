using System.Text;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// A learnable extractive task the question-answering tests generate from a seed: a long context of filler sentences
/// in one of five languages (English, French, Russian, Japanese and Chinese, the last two without spaces) that, in
/// most rows, holds one sentence with a marker phrase ("the code word is X") followed by the answer; the question asks
/// for the code word in the context's language. Rows without the marker are unanswerable (empty answer, index -1).
/// Finding a marker and taking what follows is a keyword/position task a tiny model learns from random weights;
/// sentences are joined by odd whitespace (double spaces, tabs, newlines, no-break spaces) to test character offsets.
/// </summary>
internal static class AnswerData
{
    /// <summary>A language: its question, its marker sentence (the answer at {0}), filler words, word separator and sentence end.</summary>
    private sealed record Language(string Question, string Marker, string[] Fillers, string WordSeparator, string SentenceEnd);

    private static readonly Language[] Languages =
    [
        new("What is the code word?", "the code word is {0} ,", ["we", "walked", "to", "the", "market", "and", "bought", "bread", "it", "was", "raining", "all", "day"], " ", "."),
        new("Quel est le mot de passe ?", "le mot de passe est {0} ,", ["nous", "avons", "mangé", "une", "pomme", "dans", "le", "jardin", "il", "fait", "beau"], " ", "."),
        new("Какой пароль?", "пароль : {0} ,", ["мы", "пошли", "в", "парк", "и", "читали", "книгу", "было", "тепло", "вечером"], " ", "."),
        new("合言葉は何ですか？", "合言葉は「{0}」です", ["今日", "は", "天気", "が", "良い", "ので", "公園", "に", "行き", "ました", "駅"], "", "。"),
        new("暗号是什么？", "暗号是「{0}」", ["我们", "今天", "去", "了", "图书馆", "看书", "天气", "很", "好", "朋友"], "", "。"),
    ];

    /// <summary>Answers, in several scripts.</summary>
    public static readonly string[] Answers = ["Alice", "Boris", "Карина", "さくら", "Marie", "東京", "Zoltan", "Ольга", "みどり", "Pablo", "北京", "Hélène"];

    // Between sentences of the spaced languages: the offsets of the answer must survive every kind of whitespace.
    private static readonly string[] SentenceGaps = [" ", "  ", "\t", "\n", " \u00A0", " \n "];

    /// <summary>
    /// <paramref name="count"/> rows of <paramref name="sentences"/> filler sentences each (plus the marker sentence in
    /// answerable rows); a share <paramref name="unanswerable"/> of the rows has no marker.
    /// </summary>
    public static AnswerRow[] Rows(int count, int seed, int sentences = 10, double unanswerable = 0.25)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Row(random, sentences, random.NextDouble() >= unanswerable)).ToArray();
    }

    private static AnswerRow Row(Random random, int sentences, bool answerable)
    {
        var language = Languages[random.Next(Languages.Length)];
        int markerAt = answerable ? random.Next(sentences + 1) : -1;
        string answer = answerable ? Answers[random.Next(Answers.Length)] : "";
        var context = new StringBuilder();
        int answerIndex = -1;
        for (int i = 0; i <= sentences; i++)
        {
            if (context.Length > 0)
                context.Append(language.WordSeparator.Length == 0 ? "" : SentenceGaps[random.Next(SentenceGaps.Length)]);
            if (i == markerAt)
            {
                int slot = language.Marker.IndexOf("{0}", StringComparison.Ordinal);
                answerIndex = context.Length + slot;
                context.Append(language.Marker[..slot]).Append(answer).Append(language.Marker[(slot + 3)..]);
            }
            if (i < sentences)
            {
                var words = Enumerable.Range(0, random.Next(3, 7)).Select(_ => language.Fillers[random.Next(language.Fillers.Length)]);
                if (i == markerAt && language.WordSeparator.Length > 0)
                    context.Append(' ');
                context.Append(string.Join(language.WordSeparator, words)).Append(language.SentenceEnd);
            }
        }
        return new AnswerRow(context.ToString(), language.Question, answer, answerIndex);
    }

    /// <summary>A row as the trainer reads it (default column names).</summary>
    public sealed record AnswerRow(string Context, string Question, string TrainingAnswer, int AnswerIndex);
}
