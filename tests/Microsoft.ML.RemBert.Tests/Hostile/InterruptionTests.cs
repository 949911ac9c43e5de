using System.Runtime.InteropServices;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// SIGTERM or SIGINT while <c>rembert predict</c> or <c>rembert forward</c> writes: the command stops, deletes its partial
/// file, leaves the old output as it was and exits with 143 or 130 (issue 7, item 7). The CLI runs as a child process,
/// which the test signals.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private const int Rows = 150_000;
    private const string OldOutput = "previous predictions\n";
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Theory]
    [InlineData(15, ExitCodes.Terminated, "SIGTERM")]
    [InlineData(2, ExitCodes.Interrupted, "SIGINT")]
    public void ASignalMidWriteDeletesThePartialFileAndKeepsTheOutput(int signal, int expectedCode, string name)
    {
        string model = PredictFixture.SaveTokenizerZip(workspace.PathOf("model.zip"));
        string input = workspace.PathOf("big.tsv");
        File.WriteAllLines(input, Enumerable.Range(0, Rows).Select(i => $"une paire {i}\tThe quick brown fox number {i} jumps over the lazy dog.").Prepend("Pair\tText"));
        string output = workspace.Write("out.jsonl", OldOutput);

        AssertSignalMidWriteLeavesOutput(["predict", "--model", model, "--input", input, "--output", output], output, signal, expectedCode, name);
    }

    [Theory]
    [InlineData(15, ExitCodes.Terminated, "SIGTERM")]
    [InlineData(2, ExitCodes.Interrupted, "SIGINT")]
    public void ASignalWhileForwardWritesDeletesThePartialFileAndKeepsTheOutput(int signal, int expectedCode, string name)
    {
        // 40,000 x 16 tokens through the tiny model: a forward pass of a second, then about 50 MB of JSON to write.
        const int Sequences = 40_000, Length = 16;
        var row = "[" + string.Join(",", Enumerable.Range(0, Length).Select(i => 3 + i % 20)) + "]";
        string inputs = workspace.Write("in.json", "{\"input_ids\": [" + string.Join(",", Enumerable.Repeat(row, Sequences)) + "]}");
        string output = workspace.Write("out.jsonl", OldOutput);

        AssertSignalMidWriteLeavesOutput(workspace.Forward(inputs, output), output, signal, expectedCode, name);
    }

    private void AssertSignalMidWriteLeavesOutput(string[] arguments, string output, int signal, int expectedCode, string name)
    {
        var process = DotnetProcess.Start([RembertCli.FindAssembly(), .. arguments]);
        bool writing = SpinWait.SpinUntil(() => process.HasExited || PartialFiles().Length > 0, TimeSpan.FromMinutes(2));
        Assert.True(writing && !process.HasExited, $"{arguments[0]} finished (or never started writing) before it could be signalled");
        SpinWait.SpinUntil(() => process.HasExited || new FileInfo(PartialFiles().FirstOrDefault() ?? output).Length > 1 << 16, TimeSpan.FromSeconds(30));
        Assert.Equal(0, kill(process.Id, signal));
        var result = DotnetProcess.Wait(process, TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == expectedCode, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains($"rembert {arguments[0]}: interrupted by {name}; no partial output file is left.", result.StandardError);
        Assert.Empty(PartialFiles());
        Assert.Equal(OldOutput, File.ReadAllText(output));
    }

    private string[] PartialFiles() => Directory.GetFiles(workspace.Root, "out.jsonl.rembert-partial-*");
}
