namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;

/// <summary>
/// A learnable multilingual NER task the tests generate from a seed: sentences of filler words in one of six languages
/// (English, French, Spanish, German, Russian, and Japanese, written without spaces and given as words) holding one
/// given name (PER) and one place (LOC), some of two words (B- then I-). A tiny model learns it the way it learns
/// keywords: which words are names and places is fixed, so it is memorised from the words themselves, not understood.
/// </summary>
internal static class NamedEntityData
{
    /// <summary>Tags in key order as the test pipelines map them (the order MapValueToKey sees them in sorted data is not needed).</summary>
    public static readonly string[] Tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

    private static readonly Language[] Languages =
    [
        new(" ", ["yesterday", "went", "to", "with", "the", "met", "in", "and", "visited", "friend", "lives", "near"],
            [["Maria"], ["John", "Smith"], ["Elizabeth"]], [["London"], ["New", "York"], ["Manchester"]]),
        new(" ", ["hier", "est", "allé", "à", "avec", "le", "a", "rencontré", "dans", "ami", "habite", "près"],
            [["Pierre"], ["Marie", "Dubois"], ["Jacqueline"]], [["Paris"], ["Marseille"], ["Bordeaux"]]),
        new(" ", ["ayer", "fue", "con", "el", "vio", "en", "y", "visitó", "amigo", "vive", "cerca", "de"],
            [["Lucía"], ["Carlos", "García"], ["Guillermo"]], [["Madrid"], ["Buenos", "Aires"], ["Barcelona"]]),
        new(" ", ["gestern", "ging", "nach", "mit", "der", "traf", "und", "besuchte", "Freund", "wohnt", "bei", "heute"],
            [["Anna"], ["Hans", "Müller"], ["Friedrich"]], [["Berlin"], ["München"], ["Frankfurt"]]),
        new(" ", ["вчера", "поехал", "в", "с", "и", "встретил", "друг", "посетил", "живёт", "около", "сегодня", "там"],
            [["Иван"], ["Ольга", "Петрова"], ["Александр"]], [["Москва"], ["Новосибирск"], ["Казань"]]),
        new("", ["昨日", "は", "に", "行きました", "と", "会いました", "で", "友達", "住んでいます", "近く", "今日", "が"],
            [["さくら"], ["田中", "太郎"], ["山本"]], [["東京"], ["大阪"], ["京都"]]),
    ];

    /// <summary>One row: the sentence as text (words joined as the language writes them), its words, and one tag per word.</summary>
    public sealed record Row(string Sentence1, string[] Words, string[] Tags);

    /// <summary><paramref name="count"/> sentences of 3-7 fillers around a name and a place, in random languages.</summary>
    public static Row[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Sentence(random)).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> long rows, each <paramref name="sentences"/> sentences of one language concatenated, for
    /// windows: with a short maximum length they need several.
    /// </summary>
    public static Row[] LongRows(int count, int sentences, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var language = Languages[random.Next(Languages.Length)];
            var parts = Enumerable.Range(0, sentences).Select(_ => Sentence(random, language)).ToArray();
            var words = parts.SelectMany(part => part.Words).ToArray();
            return new Row(string.Join(language.Separator, words), words, parts.SelectMany(part => part.Tags).ToArray());
        }).ToArray();
    }

    /// <summary>Rows of the spaced languages only (their Sentence1 splits on whitespace into their words).</summary>
    public static Row[] SpacedRows(int count, int seed)
    {
        var random = new Random(seed);
        var spaced = Languages.Where(language => language.Separator == " ").ToArray();
        return Enumerable.Range(0, count).Select(_ => Sentence(random, spaced[random.Next(spaced.Length)])).ToArray();
    }

    private static Row Sentence(Random random) => Sentence(random, Languages[random.Next(Languages.Length)]);

    private static Row Sentence(Random random, Language language)
    {
        var units = Enumerable.Range(0, random.Next(3, 8))
            .Select(_ => (Words: new[] { language.Fillers[random.Next(language.Fillers.Length)] }, Type: (string?)null)).ToList();
        units.Insert(random.Next(units.Count + 1), (language.People[random.Next(language.People.Length)], "PER"));
        units.Insert(random.Next(units.Count + 1), (language.Places[random.Next(language.Places.Length)], "LOC"));
        var words = units.SelectMany(unit => unit.Words).ToArray();
        var tags = units.SelectMany(unit => unit.Words.Select((_, i) => unit.Type is null ? "O" : (i == 0 ? "B-" : "I-") + unit.Type)).ToArray();
        return new Row(string.Join(language.Separator, words), words, tags);
    }

    private sealed record Language(string Separator, string[] Fillers, string[][] People, string[][] Places);
}
