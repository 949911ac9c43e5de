using System.Text;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>config.json as a careless or hostile user writes it (issue 7, items 5, 8 and 9).</summary>
public class HostileConfigJsonTests
{
    [Fact]
    public void ADuplicateKeyIsAnErrorNamingTheFileAndTheKey()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File(RemBertConfig.ConfigFileName), """{"hidden_size": 48, "num_hidden_layers": 2, "hidden_size": 96}""");
        var error = Assert.Throws<RemBertConfigException>(() => RemBertConfig.Load(dir.Path));
        Assert.Contains(dir.File(RemBertConfig.ConfigFileName), error.Message);
        Assert.Contains("'hidden_size'", error.Message);
        Assert.Contains("Duplicate", error.Message);
    }

    [Fact]
    public void AByteOrderMarkIsAcceptedInTheFile()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File(RemBertConfig.ConfigFileName),
            new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"num_hidden_layers": 3}""")).ToArray());
        Assert.Equal(3, RemBertConfig.Load(dir.Path).NumHiddenLayers);
    }

    [Fact]
    public void AByteOrderMarkIsAcceptedInText() =>
        Assert.Equal(3, RemBertConfig.FromJson("\uFEFF{\"num_hidden_layers\": 3}").NumHiddenLayers);

    [Theory]
    [InlineData("99999999999")]
    [InlineData("-99999999999")]
    [InlineData("1e30")]
    public void AnIntegerTooLargeIsOutOfRangeWithItsValue(string value)
    {
        var error = Assert.Throws<RemBertConfigException>(() => RemBertConfig.FromJson($$"""{"num_hidden_layers": {{value}}}""", "my/config.json"));
        Assert.Contains("my/config.json", error.Message);
        Assert.Equal(RemBertConfigKeys.NumHiddenLayers, error.Field);
        Assert.Equal(value, error.Value);
        Assert.Contains("out of range", error.Message);
    }

    [Fact]
    public void AFractionIsStillNotAnInteger()
    {
        var error = Assert.Throws<RemBertConfigException>(() => RemBertConfig.FromJson("""{"num_hidden_layers": 2.5}"""));
        Assert.Contains("must be an integer", error.Message);
    }

    [Fact]
    public void TwoSpellingsOfOneClassIndexAreRefused()
    {
        var error = Assert.Throws<RemBertConfigException>(() => RemBertConfig.FromJson("""{"id2label": {"0": "a", "00": "b"}}"""));
        Assert.Equal(RemBertConfigKeys.Id2Label, error.Field);
    }
}
