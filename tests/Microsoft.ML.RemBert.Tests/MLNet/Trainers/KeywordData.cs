using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// Small learnable multilingual tasks the trainer tests generate from a seed: an intent named by a keyword in one of
/// six languages amid filler words (classification), and the share of keywords two sentences have in common
/// (pair regression).
/// </summary>
internal static class KeywordData
{
    /// <summary>Keywords of each intent, in English, French, Spanish, German, Russian and Japanese.</summary>
    public static readonly (string Intent, string[] Keywords)[] Intents =
    [
        ("weather", ["weather", "météo", "tiempo", "Wetter", "погода", "天気"]),
        ("music", ["music", "musique", "música", "Musik", "музыка", "音楽"]),
        ("alarm", ["alarm", "réveil", "alarma", "Wecker", "будильник", "目覚まし"]),
    ];

    private static readonly string[] Fillers =
    [
        "please", "now", "today", "for", "me", "the", "s'il", "vous", "plaît", "por", "favor", "bitte", "jetzt",
        "пожалуйста", "сейчас", "今日", "お願い", "and", "then", "quickly", "maintenant", "ahora", "heute",
    ];

    /// <summary>The path of the tiny reference checkpoint (hidden 48, 3 layers, the 8k multilingual vocabulary).</summary>
    public static string BaseCheckpoint => TestPaths.Fixture("rembert-reference", "base");

    /// <summary>The tokenizer committed for offline ML.NET tests (146 pieces).</summary>
    public static string TinyTokenizerPath => TestPaths.TestData("MLNet", "tiny-unigram.model");

    /// <summary><paramref name="count"/> rows: a keyword of a random intent at a random place among 2-5 fillers.</summary>
    public static IntentRow[] IntentRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (intent, keywords) = Intents[random.Next(Intents.Length)];
            var words = Enumerable.Range(0, random.Next(2, 6)).Select(_ => Fillers[random.Next(Fillers.Length)]).ToList();
            words.Insert(random.Next(words.Count + 1), keywords[random.Next(keywords.Length)]);
            return new IntentRow(string.Join(' ', words), intent);
        }).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> sentence pairs, each holding two distinct keywords of all intents' pool among fillers;
    /// the label is the share of the second sentence's keywords the first one has (0, 0.5 or 1).
    /// </summary>
    public static PairRow[] PairRows(int count, int seed)
    {
        var random = new Random(seed);
        var pool = Intents.Select(intent => intent.Keywords[0]).Concat(["hotel", "taxi", "train"]).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var first = Pick(pool, 2, random);
            int shared = random.Next(3);
            var second = first.Take(shared).Concat(Pick(pool.Except(first).ToArray(), 2 - shared, random)).ToArray();
            return new PairRow(Sentence(first, random), Sentence(second, random), shared / 2f);
        }).ToArray();
    }

    private static string[] Pick(string[] pool, int count, Random random) => pool.OrderBy(_ => random.Next()).Take(count).ToArray();

    private static string Sentence(string[] keywords, Random random)
    {
        var words = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Fillers[random.Next(Fillers.Length)]).Concat(keywords).ToList();
        return string.Join(' ', words.OrderBy(_ => random.Next()));
    }

    public sealed record IntentRow(string Sentence1, string Label);

    public sealed record PairRow(string Sentence1, string Sentence2, float Label);
}
