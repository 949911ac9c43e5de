using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// The library's own readers (not only the CLI) refuse a path that would never end or never fit: a SentencePiece model
/// or config.json at /dev/zero is refused by name before a byte is read, instead of filling memory (issue 7, item 5).
/// </summary>
public sealed class LibraryInputFileTests
{
    [Fact]
    public void SentencePieceModelAtDevZeroIsRefused()
    {
        var error = Assert.Throws<FileRefusedException>(() => SentencePieceProcessor.Load("/dev/zero"));
        Assert.Equal("/dev/zero", error.Path);
        Assert.Contains("not a regular file (expected a SentencePiece model)", error.Message);
    }

    [Fact]
    public void ConfigJsonAtDevZeroIsRefused()
    {
        var error = Assert.Throws<FileRefusedException>(() => RemBertConfig.Load("/dev/zero"));
        Assert.Contains("/dev/zero is a character device, not a regular file (expected a JSON file)", error.Message);
    }
}
