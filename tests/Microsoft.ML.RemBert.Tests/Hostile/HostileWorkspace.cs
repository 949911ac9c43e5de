using System.Diagnostics;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// A private temporary directory for one hostile-input test, with a tiny saved checkpoint and a valid inputs file for
/// <c>rembert forward</c>, and helpers to create and inspect device nodes, FIFOs and links.
/// </summary>
internal sealed class HostileWorkspace : IDisposable
{
    public const string ValidInputs = """{"input_ids": [[3, 5, 7, 4], [3, 6, 4, 0]], "attention_mask": [[1, 1, 1, 1], [1, 1, 1, 0]]}""";

    public string Root { get; } = Directory.CreateTempSubdirectory("rembert-hostile-").FullName;

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>A tiny RemBertModel checkpoint directory (created on first use).</summary>
    public string Checkpoint => checkpoint ??= SaveCheckpoint();
    private string? checkpoint;

    /// <summary>Writes <paramref name="content"/> to a file of the workspace and returns its path.</summary>
    public string Write(string name, string content)
    {
        File.WriteAllText(PathOf(name), content);
        return PathOf(name);
    }

    /// <summary>The arguments of <c>rembert forward</c> on the tiny checkpoint.</summary>
    public string[] Forward(string inputs, string output) => ["forward", "--model", Checkpoint, "--inputs", inputs, "--output", output];

    private string SaveCheckpoint()
    {
        string directory = PathOf("checkpoint");
        using var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        model.SavePretrained(directory);
        return directory;
    }

    /// <summary>Every file name in the workspace root (partial files included), for "nothing was left behind" checks.</summary>
    public string[] Entries() => Directory.EnumerateFileSystemEntries(Root).Select(Path.GetFileName).Order().ToArray()!;

    /// <summary>The node kind without following links, as the library sees it.</summary>
    public static string Kind(string path) => FileNodes.KindOf(path).ToString();

    /// <summary>Skips the calling test unless the process may create device nodes.</summary>
    public static void RequireRoot() =>
        Skip.IfNot(Environment.IsPrivilegedProcess, "creating a character device with mknod needs root; run the tests as root to cover it.");

    public static void MakeCharacterDevice(string path, int major, int minor) => Run("mknod", "-m", "666", path, "c", major.ToString(), minor.ToString());

    public static void MakeFifo(string path) => Run("mkfifo", path);

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error}");
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
