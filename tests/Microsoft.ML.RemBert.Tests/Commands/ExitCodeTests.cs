using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>The exit-code convention of docs/cli.md, through Program.Main: 2 for wrong arguments, 1 for a bad file.</summary>
[Collection(ConsoleRedirection.Name)]
public class ExitCodeTests
{
    [Theory]
    [InlineData("forward")]
    [InlineData("forward", "--model", "x", "--inputs", "y")]
    [InlineData("no-such-command")]
    [InlineData("tokenize", "--no-such-option")]
    [InlineData("forward", "--model", "x", "--inputs", "y", "--output", "z", "--device", "tpu")]
    [InlineData("forward", "--model", "x", "--inputs", "y", "--output", "z", "--device", "cuda")]
    [InlineData("predict", "--model", "x", "--input", "y", "--output", "z", "--columns", "A", "B", "A")]
    public void WrongArgumentsExitWith2(params string[] args)
    {
        var (code, error) = ConsoleRedirection.RunMain(args);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.StartsWith("rembert", error);
    }

    [Fact]
    public void AMissingCheckpointExitsWith1NamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-checkpoint-{Guid.NewGuid():N}");
        var inputs = Path.GetTempFileName();
        try
        {
            File.WriteAllText(inputs, """{"input_ids": [[3, 4]]}""");
            var (code, error) = ConsoleRedirection.RunMain(["forward", "--model", missing, "--inputs", inputs, "--output", inputs + ".out"]);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains(missing, error);
            Assert.False(File.Exists(inputs + ".out"));
        }
        finally { File.Delete(inputs); }
    }
}
