using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using System.Text;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Property test: arbitrary UTF-16 (lone surrogates, controls, combining marks, huge lines) never breaks encoding.</summary>
public sealed class SentencePieceRobustnessTests
{
    private const int Seed = 20261126;
    private const int RandomStrings = 2000;
    private const int HugeLineLength = 100_000;

    public static TheoryData<string> AllModels() => new(SentencePieceFixtures.CommittedModels.Concat(SentencePieceFixtures.SharedModels));

    [SkippableTheory]
    [MemberData(nameof(AllModels))]
    public void RandomUnicode_EncodesWithoutException_IdsInRange_OffsetsWellFormed(string model)
    {
        var sp = SentencePieceFixtures.Load(model);
        var random = new Random(Seed);
        var inputs = new List<string> { "", " ", "\0", "\uD800", "\uDFFF", "\uFFFD\uFFFD", RandomText(random, HugeLineLength) };
        for (var i = 0; i < RandomStrings; i++) inputs.Add(RandomText(random, random.Next(0, 64)));
        var tokens = new List<SentencePieceToken>();
        foreach (var text in inputs)
        {
            var ids = sp.EncodeToIds(text);
            Assert.All(ids, id => Assert.InRange(id, 0, sp.VocabularySize - 1));
            tokens.Clear();
            sp.Encode(text, tokens);
            Assert.Equal(ids, tokens.Select(t => t.Id).ToArray());
            AssertOffsetsWellFormed(tokens, text.Length);
            _ = sp.Decode(ids);
        }
    }

    internal static void AssertOffsetsWellFormed(List<SentencePieceToken> tokens, int textLength)
    {
        var previous = 0;
        foreach (var t in tokens)
        {
            Assert.True(t.Start >= previous, $"start {t.Start} before previous {previous}");
            Assert.True(t.Length >= 0 && t.Start + t.Length <= textLength, $"span [{t.Start}, {t.Start + t.Length}) outside [0, {textLength}]");
            previous = t.Start;
        }
    }

    /// <summary>Random UTF-16 mixing the troublesome classes, including unpaired surrogates.</summary>
    private static string RandomText(Random random, int length)
    {
        var sb = new StringBuilder(length);
        while (sb.Length < length)
        {
            switch (random.Next(10))
            {
                case 0: sb.Append((char)random.Next(0, 0x20)); break;                                   // C0 controls, NUL
                case 1: sb.Append((char)random.Next(0x300, 0x370)); break;                              // combining marks
                case 2: sb.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1F700))); break;          // emoji pairs
                case 3: sb.Append((char)random.Next(0xD800, 0xE000)); break;                            // lone surrogates
                case 4: sb.Append(" \t\u00A0\u3000\u2581\u200B"[random.Next(6)]); break;                 // whitespace-ish
                case 5: sb.Append((char)random.Next(0xFF00, 0xFFF0)); break;                            // full/half width
                case 6: sb.Append((char)random.Next(0x4E00, 0x9FFF)); break;                            // CJK
                case 7: sb.Append((char)random.Next(0x80, 0x800)); break;                               // 2-byte UTF-8
                default: sb.Append((char)random.Next(0x20, 0x7F)); break;                               // ASCII
            }
        }
        return sb.ToString();
    }
}
