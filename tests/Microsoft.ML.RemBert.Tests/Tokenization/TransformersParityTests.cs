using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Inputs where transformers' slow RemBertTokenizer is the reference and a plausible shortcut differs from it.</summary>
public class TransformersParityTests
{
    private static readonly RemBertEncodeOptions NoSpecialTokens = new() { AddSpecialTokens = false };

    /// <summary>transformers passes the raw text to <c>sp_model.EncodeAsPieces</c> (remove_space is stored, never applied).
    /// Python's <c>str.split</c> counts \v, \x1c-\x1f and \x85 as whitespace, SentencePiece's normalizer does not: it drops
    /// the control characters and keeps \x85 as an unknown character. Expected ids: python3-sentencepiece,
    /// <c>[sp.PieceToId(p) for p in sp.EncodeAsPieces(text)]</c> on the fixture's sentencepiece.model.</summary>
    [SkippableTheory]
    [InlineData("a\vb", new[] { 1888 })]
    [InlineData("a\u001cb", new[] { 1888 })]
    [InlineData("a\u001fb", new[] { 1888 })]
    [InlineData("a\u0085b", new[] { 45, 2, 55 })]
    [InlineData("a \u3000\t b", new[] { 45, 341 })]
    public void DefaultOptions_WhitespaceThatSentencePieceDoesNotCollapse_GivesTransformersIds(string text, int[] expected)
    {
        var tokenizer = FixtureTokenizer.Load(new RemBertTokenizerOptions());
        Assert.Equal(expected, tokenizer.Encode(text, options: NoSpecialTokens).InputIds);
    }

    /// <summary>transformers: padding="max_length" with no max_length and an unlimited model_max_length (int(1e30) in
    /// tokenizer_config.json) warns and does not pad; padding to int.MaxValue would exhaust memory.</summary>
    [SkippableFact]
    public void MaxLengthPadding_WithUnlimitedModelMaxLength_DoesNotPad()
    {
        using var directory = new TemporaryDirectory();
        File.Copy(Path.Combine(FixtureTokenizer.CheckpointDirectory, RemBertTokenizer.VocabularyFileName),
            Path.Combine(directory.Path, RemBertTokenizer.VocabularyFileName));
        File.WriteAllText(Path.Combine(directory.Path, "tokenizer_config.json"), """{"model_max_length": 1000000000000000019884624838656}""");
        var tokenizer = RemBertTokenizer.FromPretrained(directory.Path);

        var encoding = tokenizer.Encode("Hello", options: new RemBertEncodeOptions { Padding = PaddingStrategy.MaxLength });

        Assert.Equal(tokenizer.Encode("Hello").InputIds, encoding.InputIds);
    }

    /// <summary>transformers' do_lower_case runs <c>re.sub(r"(specials)|(.+?)", ...)</c>: the lazy group matches one character
    /// at a time, so each is lower-cased alone and a word-final Σ becomes σ, not the ς of a whole-string <c>str.lower</c>.
    /// Expected ids: python3-sentencepiece on "οδοσ" and "σοφοσ.".</summary>
    [SkippableTheory]
    [InlineData("ΟΔΟΣ", new[] { 5, 171, 626, 171, 305 })]
    [InlineData("ΣΟΦΟΣ.", new[] { 5, 305, 171, 1034, 171, 305, 9 })]
    public void DoLowerCase_LowersEachCharacterAlone_AsTransformersRegexDoes(string text, int[] expected)
    {
        var tokenizer = FixtureTokenizer.Load(new RemBertTokenizerOptions { DoLowerCase = true });
        Assert.Equal(expected, tokenizer.Encode(text, options: NoSpecialTokens).InputIds);
    }
}
