using Microsoft.ML.RemBert.Cli.Commands;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>The README's main command: the embedded default runs offline, and --model takes a checkpoint directory.</summary>
public class DemoCommandTests
{
    [Fact]
    public void EmbeddedDefaultTokenizesThroughMLNetAndReloadsIdentically()
    {
        var output = new StringWriter();
        DemoCommand.Run(modelDirectory: null, output);
        var text = output.ToString();
        Assert.Contains("embedded SentencePiece model (8000 pieces)", text);
        Assert.Contains("[CLS] ▁The ▁we at her", text);   // the reference tokenizer's pieces for the first sentence
        Assert.Contains("max |difference| = 0.", text);
    }

    [SkippableFact]
    public void RunsOnACheckpointDirectory()
    {
        var checkpoint = TestPaths.SharedFixture("rembert-reference", "base");
        var output = new StringWriter();
        DemoCommand.Run(checkpoint, output);
        Assert.Contains($"Model: {checkpoint}", output.ToString());
        Assert.Contains("max |difference| = 0.", output.ToString());
    }
}
