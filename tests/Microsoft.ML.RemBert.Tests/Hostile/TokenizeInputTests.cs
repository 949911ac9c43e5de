using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary><c>rembert tokenize</c> given a tokenizer that is not a file, or a standard output that cannot be written (issue 7, item 5).</summary>
[Collection(ConsoleRedirection.Name)]
public sealed class TokenizeInputTests : IDisposable
{
    private static readonly string Model = TestPaths.TestData("sentencepiece", "uni-tiny.model");
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [Theory]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    [InlineData("/dev/null", "is a character device, not a regular file")]
    public void ADeviceAsTokenizerIsRefusedNamingIt(string device, string expected)
    {
        var (code, error) = ConsoleRedirection.RunMain(["tokenize", "--raw", "--tokenizer", device]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"rembert tokenize: {device} {expected} (expected a SentencePiece .model file or a checkpoint directory).", error.Trim());
    }

    [Fact]
    public void AFifoAsTokenizerIsRefusedWithoutBlocking()
    {
        string fifo = workspace.PathOf("model.fifo");
        HostileWorkspace.MakeFifo(fifo);

        var (code, error) = ConsoleRedirection.RunMain(["tokenize", "--raw", "--tokenizer", fifo]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"{fifo} is a named pipe (FIFO), not a regular file", error);
        Assert.Equal("Fifo", HostileWorkspace.Kind(fifo));
    }

    [Fact]
    public void StandardOutputOnDevFullIsOneLineAndExit1()
    {
        string input = workspace.Write("lines.txt", string.Concat(Enumerable.Repeat("hello world, tokenize me please\n", 20000)));

        var result = DotnetProcess.RunShell(
            $"\"$DOTNET\" '{RembertCli.FindAssembly()}' tokenize --raw --tokenizer '{Model}' < '{input}' > /dev/full", TimeSpan.FromMinutes(2));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Equal("rembert tokenize: cannot write to standard output: No space left on device", result.StandardError.Trim());
    }
}
