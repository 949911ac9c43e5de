using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>remove_space + keep_accents=false + do_lower_case against Python's own str/unicodedata on 3,000 multilingual
/// lines (TestData/tokenization/make-fixtures.py wrote the expected ids).</summary>
public class PreprocessingReferenceTests
{
    [SkippableFact]
    public void StrippedAccentsAndLowerCase_MatchPythonOnTheCorpus()
    {
        var tokenizer = FixtureTokenizer.Load(new RemBertTokenizerOptions { RemoveSpace = true, KeepAccents = false, DoLowerCase = true });
        var lines = File.ReadAllLines(TestPaths.TestData("sentencepiece", "corpus.txt"));
        var expected = File.ReadAllLines(TestPaths.TestData("tokenization", "corpus.preprocessed.ids"));
        Assert.Equal(lines.Length, expected.Length);

        var noSpecialTokens = new RemBertEncodeOptions { AddSpecialTokens = false };
        var mismatches = lines
            .Select((line, i) => (Line: i + 1, Expected: expected[i], Actual: string.Join(' ', tokenizer.Encode(line, options: noSpecialTokens).InputIds)))
            .Where(r => r.Expected != r.Actual)
            .Select(r => $"line {r.Line}: expected [{r.Expected}] got [{r.Actual}]")
            .ToArray();
        Assert.Empty(mismatches);
    }
}
