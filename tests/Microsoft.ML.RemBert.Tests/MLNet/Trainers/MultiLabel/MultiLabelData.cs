namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultiLabel;

/// <summary>
/// A small learnable multi-label task from <see cref="KeywordData"/>: each row names 0, 1 or 2 distinct intents
/// (weather, music, alarm) by a keyword in one of six languages amid filler words; its labels are the intents named.
/// </summary>
internal static class MultiLabelData
{
    private static readonly string[] Fillers = ["please", "now", "today", "for", "me", "the", "bitte", "jetzt", "сейчас", "お願い", "and", "ahora"];

    public static Row[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var intents = KeywordData.Intents.OrderBy(_ => random.Next()).Take(random.Next(3)).ToArray();
            var words = Enumerable.Range(0, random.Next(2, 5)).Select(_ => Fillers[random.Next(Fillers.Length)]).ToList();
            foreach (var (_, keywords) in intents)
                words.Insert(random.Next(words.Count + 1), keywords[random.Next(keywords.Length)]);
            return new Row(string.Join(' ', words), intents.Select(intent => intent.Intent).Order(StringComparer.Ordinal).ToArray());
        }).ToArray();
    }

    public sealed class Row(string sentence1, string[] label)
    {
        public string Sentence1 { get; set; } = sentence1;
        public string[] Label { get; set; } = label;
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public string[] PredictedLabels { get; set; } = [];
    }
}
