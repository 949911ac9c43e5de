using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>The tiny RemBERT checkpoint's tokenizer from TestData/fixtures.
/// Its vocabulary: [PAD]=0 [MASK]=1 [UNK]=2 [CLS]=3 [SEP]=4.</summary>
internal static class FixtureTokenizer
{
    public const int Pad = 0, Mask = 1, Unk = 2, Cls = 3, Sep = 4;

    /// <summary>The base checkpoint directory.</summary>
    public static string CheckpointDirectory => TestPaths.Fixture("rembert-reference", "base");

    /// <summary>Loads the base checkpoint's tokenizer, with <paramref name="options"/> replacing its tokenizer_config.json.</summary>
    public static RemBertTokenizer Load(RemBertTokenizerOptions? options = null)
    {
        var tokenizer = Base.Value;
        return options is null ? tokenizer : RemBertTokenizer.FromSentencePiece(tokenizer.SentencePiece, options);
    }

    /// <summary>The tokenizer is immutable and thread-safe, so all tests share one load of it.</summary>
    private static readonly Lazy<RemBertTokenizer> Base = new(() => RemBertTokenizer.FromPretrained(CheckpointDirectory));

    /// <summary>The text pieces of an encoding (ids without special tokens), for readable assertions.</summary>
    public static string[] Pieces(RemBertTokenizer tokenizer, IEnumerable<int> ids) => ids.Select(tokenizer.SentencePiece.IdToPiece).ToArray();
}
