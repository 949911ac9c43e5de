using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using System.Text;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>Access to the committed SentencePiece fixtures (TestData/sentencepiece, see make-fixtures.sh).</summary>
internal static class SentencePieceFixtures
{
    /// <summary>Models trained by make-fixtures.sh and committed beside their reference output.</summary>
    public static readonly string[] CommittedModels =
        ["uni-bytefallback", "bpe-bytefallback", "uni-nobos", "bpe-tiny", "uni-tiny", "uni-userdefined", "uni-suffix", "bpe-nodummy", "word", "char"];

    /// <summary>The models in TestData/fixtures/sentencepiece whose reference output on our corpus is committed.</summary>
    public static readonly string[] SharedModels = ["unigram-8k", "bpe-8k"];

    public static string Path(string file) => TestPaths.TestData("sentencepiece", file);

    /// <summary>Lines of a UTF-8 file split on '\n' only (what spm_encode reads), without the final empty line.</summary>
    public static string[] ReadLines(string path)
    {
        var text = File.ReadAllText(path, new UTF8Encoding(false));
        if (text.EndsWith('\n')) text = text[..^1];
        return text.Split('\n');
    }

    public static int[][] ReadIds(string path) =>
        ReadLines(path).Select(l => l.Length == 0 ? [] : l.Split(' ').Select(int.Parse).ToArray()).ToArray();

    public static SentencePieceProcessor LoadCommitted(string name) => SentencePieceProcessor.Load(Path(name + ".model"));

    public static SentencePieceProcessor LoadShared(string name) =>
        SentencePieceProcessor.Load(TestPaths.Fixture("sentencepiece", name + ".model"));

    public static SentencePieceProcessor Load(string name) =>
        SharedModels.Contains(name) ? LoadShared(name) : LoadCommitted(name);

    /// <summary>
    /// Decodes generalized UTF-8 that may hold encoded lone surrogates (ED A0 80 = U+D800), as surrogates.txt does,
    /// into the .NET string those bytes stand for.
    /// </summary>
    public static string DecodeGeneralizedUtf8(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < bytes.Length;)
        {
            var b = bytes[i];
            int cp, n;
            if (b < 0x80) { cp = b; n = 1; }
            else if (b < 0xE0) { cp = ((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F); n = 2; }
            else if (b < 0xF0) { cp = ((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F); n = 3; }
            else { cp = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F); n = 4; }
            if (cp >= 0x10000) sb.Append(char.ConvertFromUtf32(cp)); else sb.Append((char)cp);
            i += n;
        }
        return sb.ToString();
    }

    /// <summary>Lines of surrogates.txt as the strings with lone surrogates they encode.</summary>
    public static string[] SurrogateLines()
    {
        var bytes = File.ReadAllBytes(Path("surrogates.txt"));
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            lines.Add(DecodeGeneralizedUtf8(bytes.AsSpan(start, i - start)));
            start = i + 1;
        }
        return lines.ToArray();
    }

    /// <summary>Asserts that every line encodes to its reference ids, reporting the first differing lines.</summary>
    public static void AssertSameIds(SentencePieceProcessor sp, string[] lines, string expectedIdsPath)
    {
        var expected = ReadIds(expectedIdsPath);
        var (count, report) = Compare(sp, lines, expected);
        Xunit.Assert.True(count == 0, $"{count} of {lines.Length} lines differ from {System.IO.Path.GetFileName(expectedIdsPath)}:\n{report}");
    }

    /// <summary>Line numbers (1-based) and details of the first few lines whose ids differ.</summary>
    private static (int Count, string Report) Compare(SentencePieceProcessor sp, string[] lines, int[][] expected)
    {
        Xunit.Assert.Equal(lines.Length, expected.Length);
        var report = new StringBuilder();
        var mismatches = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var actual = sp.EncodeToIds(lines[i]);
            if (actual.AsSpan().SequenceEqual(expected[i])) continue;
            if (++mismatches <= 5)
                report.AppendLine($"line {i + 1}: '{lines[i]}'\n  expected {string.Join(' ', expected[i])}\n  actual   {string.Join(' ', actual)}");
        }
        return (mismatches, report.ToString());
    }
}
