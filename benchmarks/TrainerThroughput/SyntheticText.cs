namespace TrainerThroughput;

/// <summary>Random lower-case "words" the tokenizer splits into several pieces each: text of a chosen length.</summary>
internal static class SyntheticText
{
    public static string Words(Random random, int count)
        => string.Join(' ', Enumerable.Range(0, count).Select(_ => new string(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray())));
}
