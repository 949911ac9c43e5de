using System.Text;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

/// <summary>tokenizer_config.json as a careless or hostile user writes it (issue 7, items 8 and 9).</summary>
public class HostileTokenizerConfigTests
{
    [SkippableFact]
    public void AByteOrderMarkIsAccepted()
    {
        using var dir = CheckpointWithConfig(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"do_lower_case": true}""")).ToArray());
        Assert.True(RemBertTokenizer.FromPretrained(dir.Path).Options.DoLowerCase);
    }

    [SkippableFact]
    public void ADuplicateKeyIsAnErrorNamingTheFileAndTheKey()
    {
        using var dir = CheckpointWithConfig(Encoding.UTF8.GetBytes("""{"do_lower_case": true, "do_lower_case": false}"""));
        var error = Assert.Throws<InvalidDataException>(() => RemBertTokenizer.FromPretrained(dir.Path));
        Assert.Contains(dir.File(TokenizerConfigReader.FileName), error.Message);
        Assert.Contains("'do_lower_case'", error.Message);
        Assert.Contains("Duplicate", error.Message);
    }

    [SkippableFact]
    public void TextThatIsNotUtf8IsNamed()
    {
        using var dir = CheckpointWithConfig(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' });
        var error = Assert.Throws<InvalidDataException>(() => RemBertTokenizer.FromPretrained(dir.Path));
        Assert.Contains(dir.File(TokenizerConfigReader.FileName), error.Message);
        Assert.Contains("not valid UTF-8", error.Message);
    }

    private static TemporaryDirectory CheckpointWithConfig(byte[] json)
    {
        var model = Path.Combine(FixtureTokenizer.CheckpointDirectory, RemBertTokenizer.VocabularyFileName);
        var dir = new TemporaryDirectory();
        File.Copy(model, dir.File(RemBertTokenizer.VocabularyFileName));
        File.WriteAllBytes(dir.File(TokenizerConfigReader.FileName), json);
        return dir;
    }
}
