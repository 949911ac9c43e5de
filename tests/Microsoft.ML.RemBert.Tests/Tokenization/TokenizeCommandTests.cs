using System.CommandLine;
using System.Text.Json;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Cli.Commands;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>`rembert tokenize`, run in-process with in-memory stdin/stdout.</summary>
[Collection(ConsoleRedirection.Name)]
public class TokenizeCommandTests
{
    private static (int Code, string[] Lines, string Error) Run(string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { TokenizeCommand.Create(() => new StringReader(input), () => output) };
        var code = root.Parse(["tokenize", .. args]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        var text = output.ToString();
        var lines = text.Length == 0 ? [] : text[..^1].Split('\n');   // every line ends with one newline
        return (code, lines, error.ToString());
    }

    [SkippableFact]
    public void Raw_WritesSentencePieceIdsOnly_TabIsText()
    {
        var (code, lines, _) = Run("Hello world\nHello\tworld\n\n", "--tokenizer", FixtureTokenizer.CheckpointDirectory, "--raw");
        Assert.Equal(ExitCodes.Success, code);
        // The model's normalizer turns the TAB into a space, so both lines give ▁He llo ▁w or ld; the empty line stays empty.
        Assert.Equal(["2117 2555 254 99 318", "2117 2555 254 99 318", ""], lines);
    }

    [SkippableFact]
    public void Raw_OverTheMultilingualCorpus_EqualsSpmEncode()
    {
        // unigram-8k.ids is `spm_encode --output_format=id` of corpus.txt with the same model as the checkpoints'.
        var corpus = File.ReadAllText(TestPaths.TestData("sentencepiece", "corpus.txt"));
        var expected = File.ReadAllLines(TestPaths.TestData("sentencepiece", "unigram-8k.ids"));
        var (code, lines, _) = Run(corpus, "--tokenizer", FixtureTokenizer.CheckpointDirectory, "--raw");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(expected, lines);
    }

    [SkippableFact]
    public void Raw_AcceptsAnySentencePieceModel()
    {
        // bpe-8k has <unk>/<s>/</s> instead of RemBERT's special tokens; spm_encode gives these ids.
        var model = TestPaths.Fixture("sentencepiece", "bpe-8k.model");
        var (code, lines, _) = Run("Hello world\n", "--tokenizer", model, "--raw");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(["212 3801 2572 549"], lines);
    }

    [SkippableFact]
    public void Pairs_MatchTheReferenceInputIds()
    {
        var root = TestPaths.Fixture("rembert-reference");
        var input = File.ReadAllText(Path.Combine(root, "texts.txt"));
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "expected.json")));
        var expectedLines = expected.RootElement.GetProperty("input_ids").EnumerateArray()
            .Zip(expected.RootElement.GetProperty("attention_mask").EnumerateArray())
            .Select(rows => string.Join(' ', rows.First.EnumerateArray().Zip(rows.Second.EnumerateArray())
                .Where(p => p.Second.GetInt32() == 1).Select(p => p.First.GetInt32())))
            .ToArray();

        var (code, lines, _) = Run(input, "--tokenizer", Path.Combine(root, "base"));
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(expectedLines, lines);
    }

    [SkippableFact]
    public void MaxLength_TruncatesLongestFirst()
    {
        // A is 22 pieces, B 7: MaxLength 15 keeps 6 + 6 (see TruncationAndPaddingTests); a single line keeps 4 of A at 6.
        var input = "The quick brown fox jumps over the lazy dog.\tWhere is the library?\nThe quick brown fox jumps over the lazy dog.\n";
        var (code, lines, _) = Run(input, "--tokenizer", FixtureTokenizer.CheckpointDirectory, "--max-length", "15");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("3 780 2056 466 341 2513 20 4 331 1177 14 292 79 3920 4", lines[0]);
        Assert.Equal(15, lines[1].Split(' ').Length);
        Assert.Equal("3 780 2056 466 341 4", Run("The quick brown fox jumps over the lazy dog.", "--tokenizer", FixtureTokenizer.CheckpointDirectory, "--max-length", "6").Lines[0]);
    }

    [Theory]
    [InlineData(new string[0], "--tokenizer PATH is required")]
    [InlineData(new[] { "--tokenizer", "x.model", "--max-length", "abc" }, "abc")]
    [InlineData(new[] { "--tokenizer", "x.model", "--max-length", "0" }, "--max-length must be a positive")]
    [InlineData(new[] { "--tokenizer", "x.model", "--raw", "--max-length", "5" }, "cannot be combined with --raw")]
    [InlineData(new[] { "--tokenizer", "x.model", "--bogus" }, "--bogus")]
    public void UsageErrors_ExitWith2(string[] args, string expected)
    {
        var (code, lines, error) = Run("Hello\n", args);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains(expected, error);
        Assert.Empty(lines);
    }

    [SkippableFact]
    public void MaxLengthTooSmallForAPair_IsBadInputNamingTheLine()
    {
        var (code, _, error) = Run("\nb\tc\n", "--tokenizer", FixtureTokenizer.CheckpointDirectory, "--max-length", "2");   // an empty line fits in [CLS] [SEP]
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("line 2", error);
    }

    [Fact]
    public void MissingOrCorruptTokenizer_ExitsWith1()
    {
        var (code, _, error) = Run("Hello\n", "--tokenizer", "/no/such.model");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("/no/such.model", error);

        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("sentencepiece.model"), "not a model");
        (code, _, error) = Run("Hello\n", "--tokenizer", dir.Path, "--raw");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("sentencepiece.model", error);
    }

    [Fact]
    public void Program_RegistersTheCommand()
    {
        // Fails before reading stdin (no --tokenizer); the message goes to the real stderr.
        Assert.Equal(ExitCodes.UsageError, Program.Main(["tokenize"]));
    }
}
