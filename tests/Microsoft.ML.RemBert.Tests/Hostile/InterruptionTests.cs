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
    private const int Rows = 5_000;
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
        // 2,000 x 16 tokens through the tiny model: about 2.5 MB of JSON to write, held after the first 64 KB.
        const int Sequences = 2_000, Length = 16;
        var row = "[" + string.Join(",", Enumerable.Range(0, Length).Select(i => 3 + i % 20)) + "]";
        string inputs = workspace.Write("in.json", "{\"input_ids\": [" + string.Join(",", Enumerable.Repeat(row, Sequences)) + "]}");
        string output = workspace.Write("out.jsonl", OldOutput);

        AssertSignalMidWriteLeavesOutput(workspace.Forward(inputs, output), output, signal, expectedCode, name);
    }

    private void AssertSignalMidWriteLeavesOutput(string[] arguments, string output, int signal, int expectedCode, string name)
    {
        // The child holds its output after 64 KB until a signal arrives (HeldOutput), so the signal lands mid-write
        // however fast the machine is.
        var process = DotnetProcess.StartForSignals([RembertCli.FindAssembly(), .. arguments],
            new Dictionary<string, string> { [HeldOutput.Variable] = (64 << 10).ToString() });
        var held = Task.Run(() =>
        {
            for (string? line; (line = process.StandardError.ReadLine()) != null;)
                if (line == HeldOutput.Marker) return true;
            return false;
        });
        Assert.True(held.Wait(TimeSpan.FromMinutes(2)) && held.Result, $"{arguments[0]} never held its output for the signal");
        Assert.NotEmpty(PartialFiles());
        Assert.Equal(0, kill(process.Id, signal));
        var result = DotnetProcess.Wait(process, TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == expectedCode, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains($"rembert {arguments[0]}: interrupted by {name}; no partial output file is left.", result.StandardError);
        Assert.Empty(PartialFiles());
        Assert.Equal(OldOutput, File.ReadAllText(output));
    }

    private string[] PartialFiles() => Directory.GetFiles(workspace.Root, "out.jsonl.rembert-partial-*");
}
