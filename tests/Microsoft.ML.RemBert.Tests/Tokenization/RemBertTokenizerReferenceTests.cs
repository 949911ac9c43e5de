using System.Text.Json;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>The model inputs of TestData/fixtures/rembert-reference/expected.json, rebuilt from texts.txt.</summary>
public class RemBertTokenizerReferenceTests
{
    private const int ReferenceBatchLength = 39;

    [SkippableFact]
    public void EncodeBatch_ReproducesTheReferenceInputs()
    {
        var root = TestPaths.Fixture("rembert-reference");
        var inputs = File.ReadAllLines(Path.Combine(root, "texts.txt"))
            .Select(line => line.Split('\t', 2))
            .Select(parts => (parts[0], parts.Length > 1 ? parts[1] : null))
            .ToArray();
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "expected.json")));

        var encodings = FixtureTokenizer.Load().EncodeBatch(inputs, new RemBertEncodeOptions { Padding = PaddingStrategy.Longest });

        Assert.Equal(inputs.Length, encodings.Count);
        Assert.All(encodings, e => Assert.Equal(ReferenceBatchLength, e.InputIds.Length));
        Assert.Equal(Rows(expected, "input_ids"), encodings.Select(e => e.InputIds));
        Assert.Equal(Rows(expected, "token_type_ids"), encodings.Select(e => e.TokenTypeIds));
        Assert.Equal(Rows(expected, "attention_mask"), encodings.Select(e => e.AttentionMask));
    }

    [SkippableTheory]
    [InlineData("base")]
    [InlineData("seqcls")]
    [InlineData("tokcls")]
    [InlineData("qa")]
    [InlineData("mc")]
    [InlineData("mlm")]
    [InlineData("causal")]
    public void EveryCheckpoint_LoadsItsTokenizerConfig(string checkpoint)
    {
        var tokenizer = RemBertTokenizer.FromPretrained(TestPaths.Fixture("rembert-reference", checkpoint));
        Assert.Equal(new RemBertTokenizerOptions { DoLowerCase = false, RemoveSpace = true, KeepAccents = true }, tokenizer.Options);
        Assert.Equal(
            [FixtureTokenizer.Pad, FixtureTokenizer.Mask, FixtureTokenizer.Unk, FixtureTokenizer.Cls, FixtureTokenizer.Sep],
            [tokenizer.PadTokenId, tokenizer.MaskTokenId, tokenizer.UnkTokenId, tokenizer.ClsTokenId, tokenizer.SepTokenId]);
    }

    [SkippableFact]
    public void ConcurrentEncodes_EqualSequentialOnes()
    {
        var tokenizer = FixtureTokenizer.Load();
        var lines = File.ReadAllLines(TestPaths.TestData("sentencepiece", "corpus.txt"));
        var options = new RemBertEncodeOptions { MaxLength = 32, Padding = PaddingStrategy.MaxLength };
        var sequential = lines.Select(line => tokenizer.Encode(line, line, options).InputIds).ToArray();
        var concurrent = new int[lines.Length][];
        Parallel.For(0, lines.Length, i => concurrent[i] = tokenizer.Encode(lines[i], lines[i], options).InputIds);
        Assert.Equal(sequential, concurrent);
    }

    private static int[][] Rows(JsonDocument document, string key) =>
        document.RootElement.GetProperty(key).EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
}
