using System.Diagnostics;
using System.Text;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tests.Hostile;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.IO;

/// <summary>AtomicFile's promises: all-or-nothing multi-file saves, recognisable partial files, stale ones removed.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    private static (string, Action<Stream, CancellationToken>) Text(string path, string content) =>
        (path, (stream, _) => stream.Write(Encoding.UTF8.GetBytes(content)));

    [Fact]
    public void AFailureBetweenTheRenamesRestoresEveryFile()
    {
        string weights = workspace.Write("model.safetensors", "old weights");
        string config = workspace.Write("config.json", "old config");

        var fault = Assert.Throws<IOException>(() => AtomicFile.WriteAll([Text(weights, "new weights"), Text(config, "new config")],
            CancellationToken.None, beforeRename: i => { if (i == 1) throw new IOException("injected between the renames"); }));

        Assert.Equal("injected between the renames", fault.Message);
        Assert.Equal("old weights", File.ReadAllText(weights));
        Assert.Equal("old config", File.ReadAllText(config));
        Assert.Equal(["config.json", "model.safetensors"], workspace.Entries());
    }

    [Fact]
    public void AFailureBetweenTheRenamesRemovesAFileThatDidNotExist()
    {
        string weights = workspace.PathOf("model.safetensors");
        string config = workspace.Write("config.json", "old config");

        Assert.Throws<IOException>(() => AtomicFile.WriteAll([Text(weights, "new weights"), Text(config, "new config")],
            CancellationToken.None, beforeRename: i => { if (i == 1) throw new IOException("injected"); }));

        Assert.Equal(["config.json"], workspace.Entries());
        Assert.Equal("old config", File.ReadAllText(config));
    }

    [Fact]
    public void ASuccessfulMultiFileSaveLeavesNoBackupOrPartial()
    {
        string weights = workspace.Write("model.safetensors", "old weights");
        string config = workspace.PathOf("config.json");

        AtomicFile.WriteAll([Text(weights, "new weights"), Text(config, "new config")], CancellationToken.None);

        Assert.Equal("new weights", File.ReadAllText(weights));
        Assert.Equal("new config", File.ReadAllText(config));
        Assert.Equal(["config.json", "model.safetensors"], workspace.Entries());
    }

    [Fact]
    public void TheBackupIsAHardLinkWhileTheCommitRuns()
    {
        string weights = workspace.Write("model.safetensors", "old weights");
        string config = workspace.Write("config.json", "old config");
        string[]? during = null;

        AtomicFile.WriteAll([Text(weights, "new weights"), Text(config, "new config")], CancellationToken.None,
            beforeRename: i => { if (i == 1) during = workspace.Entries(); });

        Assert.NotNull(during);
        Assert.Contains(during, name => name.StartsWith($"config.json.rembert-backup-{Environment.ProcessId}-"));
        Assert.Contains(during, name => name.StartsWith($"model.safetensors.rembert-backup-{Environment.ProcessId}-"));
    }

    [Fact]
    public void AFailedWriteDeletesItsRecognisablePartialFile()
    {
        string output = workspace.Write("OUT.json", "old");
        string? partial = null;

        Assert.Throws<InvalidDataException>(() => AtomicFile.Write(output, (stream, _) =>
        {
            partial = ((FileStream)stream).Name;
            stream.Write("half"u8);
            throw new InvalidDataException("writer failed");
        }, CancellationToken.None));

        Assert.Matches($@"/OUT\.json\.rembert-partial-{Environment.ProcessId}-[0-9a-f]{{8}}$", partial);
        Assert.False(File.Exists(partial));
        Assert.Equal("old", File.ReadAllText(output));
    }

    [Fact]
    public void ACancelledWriteDeletesItsPartialFile()
    {
        string output = workspace.Write("OUT.json", "old");
        using var cancellation = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() => AtomicFile.Write(output, (stream, token) =>
        {
            stream.Write("half"u8);
            cancellation.Cancel();
            token.ThrowIfCancellationRequested();
        }, cancellation.Token));

        Assert.Equal(["OUT.json"], workspace.Entries());
        Assert.Equal("old", File.ReadAllText(output));
    }

    [Fact]
    public void StalePartialFilesOfDeadProcessesAreRemovedOnTheNextWrite()
    {
        int deadPid = ExitedProcessId();
        string stale = workspace.Write($"other.json.rembert-partial-{deadPid}-0123abcd", "left by a killed process");
        string live = workspace.Write($"other.json.rembert-partial-{Environment.ProcessId}-4567cdef", "being written by us");
        string backup = workspace.Write($"config.json.rembert-backup-{deadPid}-89abcdef", "a previous save");

        AtomicFile.Write(workspace.PathOf("OUT.json"), stream => stream.Write("new"u8));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(backup), "backups are the previous save after a kill mid-commit: never deleted automatically");
    }

    /// <summary>The PID of a child that has exited and been reaped (Linux does not reuse it this quickly).</summary>
    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }
}
