using System.Text.Json;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// <c>--output</c> naming something other than a regular file: a character device or FIFO is written to and stays what
/// it was, a symlink is followed and stays a link, a directory is refused and nothing changes (issue 7, item 1).
/// </summary>
[Collection(ConsoleRedirection.Name)]
public sealed class OutputPathTests : IDisposable
{
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    private string Inputs => workspace.Write("in.json", HostileWorkspace.ValidInputs);

    [SkippableFact]
    public void ACharacterDeviceIsWrittenToAndStaysADevice()
    {
        HostileWorkspace.RequireRoot();
        string device = workspace.PathOf("null-copy");
        HostileWorkspace.MakeCharacterDevice(device, 1, 3);

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(Inputs, device));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("CharacterDevice", HostileWorkspace.Kind(device));
        Assert.DoesNotContain(workspace.Entries(), name => name.Contains(".rembert-partial-"));
    }

    [Fact]
    public async Task AFifoIsWrittenToAndStaysAFifo()
    {
        string fifo = workspace.PathOf("pipe");
        HostileWorkspace.MakeFifo(fifo);
        string inputs = Inputs;
        _ = workspace.Checkpoint; // saved before the reader waits on the pipe
        var reader = Task.Run(() => File.ReadAllText(fifo));

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(inputs, fifo));

        Assert.True(code == ExitCodes.Success, error);
        string written = await reader.WaitAsync(TimeSpan.FromMinutes(1)); // throws TimeoutException if the output never ended
        using var json = JsonDocument.Parse(written);
        Assert.True(json.RootElement.TryGetProperty("last_hidden_state", out _));
        Assert.Equal("Fifo", HostileWorkspace.Kind(fifo));
    }

    [Fact]
    public void ASymlinkToAFileIsFollowedAndStaysALink()
    {
        string target = workspace.Write("target.json", "old");
        string link = workspace.PathOf("link.json");
        File.CreateSymbolicLink(link, "target.json");

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(Inputs, link));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("SymbolicLink", HostileWorkspace.Kind(link));
        Assert.Equal("target.json", new FileInfo(link).LinkTarget);
        using var json = JsonDocument.Parse(File.ReadAllText(target));
        Assert.True(json.RootElement.TryGetProperty("last_hidden_state", out _));
        Assert.DoesNotContain(workspace.Entries(), name => name.Contains(".rembert-partial-"));
    }

    [SkippableFact]
    public void ASymlinkToACharacterDeviceWritesTheDeviceAndStaysALink()
    {
        HostileWorkspace.RequireRoot();
        string device = workspace.PathOf("null-copy");
        HostileWorkspace.MakeCharacterDevice(device, 1, 3);
        string link = workspace.PathOf("out.json");
        File.CreateSymbolicLink(link, device);

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(Inputs, link));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("SymbolicLink", HostileWorkspace.Kind(link));
        Assert.Equal(device, new FileInfo(link).LinkTarget);
        Assert.Equal("CharacterDevice", HostileWorkspace.Kind(device));
    }

    [Fact]
    public void ADanglingSymlinkCreatesItsTargetAndStaysALink()
    {
        string link = workspace.PathOf("out.json");
        File.CreateSymbolicLink(link, "made-by-forward.json");

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(Inputs, link));

        Assert.True(code == ExitCodes.Success, error);
        Assert.Equal("SymbolicLink", HostileWorkspace.Kind(link));
        Assert.Equal("made-by-forward.json", new FileInfo(link).LinkTarget);
        Assert.Equal("RegularFile", HostileWorkspace.Kind(workspace.PathOf("made-by-forward.json")));
    }

    [Fact]
    public void ADirectoryIsRefusedNamingItAndNothingChanges()
    {
        string directory = workspace.PathOf("out-dir");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "keep.txt"), "keep");
        var arguments = workspace.Forward(Inputs, directory);
        var before = workspace.Entries();

        var (code, error) = ConsoleRedirection.RunMain(arguments);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(directory, error);
        Assert.Contains("is a directory", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal("Directory", HostileWorkspace.Kind(directory));
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
        Assert.Equal(before, workspace.Entries());
    }

    [Fact]
    public void AMissingDirectoryIsNamed()
    {
        string output = workspace.PathOf(Path.Combine("no-such-dir", "out.json"));

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(Inputs, output));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(output, error);
        Assert.False(Directory.Exists(workspace.PathOf("no-such-dir")));
    }

    /// <summary>/dev/stdout is a link into /proc to the process's standard output (a pipe here): written in place, never replaced.</summary>
    [Fact]
    public void DevStdoutIsWrittenInPlace()
    {
        var result = RembertCli.Run(workspace.Forward(Inputs, "/dev/stdout"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.True(json.RootElement.TryGetProperty("last_hidden_state", out _));
        Assert.Equal("SymbolicLink", HostileWorkspace.Kind("/dev/stdout"));
    }
}
