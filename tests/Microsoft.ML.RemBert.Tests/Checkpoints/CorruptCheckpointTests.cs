using System.IO.Compression;
using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>Hand-damaged checkpoints must fail with an exception naming the file and the problem.</summary>
public class CorruptCheckpointTests
{
    [SkippableFact]
    public void TruncatedSafeTensors()
    {
        using var dir = CopyOf("seqcls", CheckpointFileNames.SafeTensors, bytes => bytes[..(bytes.Length - 100)]);
        AssertFormatError(dir, CheckpointFileNames.SafeTensors, "truncated");
    }

    [SkippableFact]
    public void SafeTensorsCutInsideItsHeader()
    {
        using var dir = CopyOf("seqcls", CheckpointFileNames.SafeTensors, bytes => bytes[..64]);
        AssertFormatError(dir, CheckpointFileNames.SafeTensors, "header length");
    }

    [SkippableFact]
    public void SafeTensorsWithBadHeaderJson()
    {
        using var dir = CopyOf("seqcls", CheckpointFileNames.SafeTensors, bytes =>
        {
            bytes[8] = (byte)'!'; // the header's opening brace
            return bytes;
        });
        AssertFormatError(dir, CheckpointFileNames.SafeTensors, "not valid JSON");
    }

    [SkippableFact]
    public void SafeTensorsWhoseShapeDisagreesWithItsByteRange()
    {
        const string key = "rembert.embeddings.word_embeddings.weight";
        using var dir = CopyOf("seqcls", CheckpointFileNames.SafeTensors, bytes => ReplaceInHeader(bytes, "[8000,24]", "[8000,25]"));
        var error = AssertFormatError(dir, CheckpointFileNames.SafeTensors, key);
        Assert.Contains("[8000, 25]", error.Message);
    }

    [SkippableFact]
    public void SafeTensorsWithAnUnsupportedDtype()
    {
        using var dir = CopyOf("seqcls", CheckpointFileNames.SafeTensors, bytes => ReplaceInHeader(bytes, "\"F32\"", "\"F99\""));
        AssertFormatError(dir, CheckpointFileNames.SafeTensors, "F99");
    }

    [SkippableFact]
    public void TruncatedPickleCheckpoint()
    {
        using var dir = CopyOf("base", CheckpointFileNames.PyTorch, bytes => bytes[..(bytes.Length / 2)]);
        AssertFormatError(dir, CheckpointFileNames.PyTorch, "truncated");
    }

    [Fact]
    public void AZipThatIsNotACheckpoint()
    {
        using var dir = new TemporaryDirectory();
        using (var zip = ZipFile.Open(dir.File(CheckpointFileNames.PyTorch), ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("notes/readme.txt").Open()))
            writer.Write("hello");
        AssertFormatError(dir, CheckpointFileNames.PyTorch, "no data.pkl");
    }

    [Fact]
    public void ATextFileNamedLikeAPickleCheckpoint()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File(CheckpointFileNames.PyTorch), "version https://git-lfs.github.com/spec/v1\n");
        AssertFormatError(dir, CheckpointFileNames.PyTorch, "not a zip archive");
    }

    [Fact]
    public void APickleThatIsAWholeModelRatherThanAStateDict()
    {
        using var dir = new TemporaryDirectory();
        // PROTO 2, GLOBAL 'mymodels Net', EMPTY_TUPLE, REDUCE, STOP: what torch.save(model) pickles.
        var pickle = new byte[] { 0x80, 2 }.Concat(Encoding.ASCII.GetBytes("cmymodels\nNet\n)R.")).ToArray();
        using (var zip = ZipFile.Open(dir.File(CheckpointFileNames.PyTorch), ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
            entry.Write(pickle);
        AssertFormatError(dir, CheckpointFileNames.PyTorch, "mymodels.Net");
    }

    [Fact]
    public void ADirectoryWithoutWeightsListsTheNamesLookedFor()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File(CheckpointFileNames.Config), "{}");
        var error = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Open(dir.Path));
        foreach (var name in CheckpointFileNames.WeightsFilesInPreferenceOrder) Assert.Contains(name, error.Message);
        Assert.Contains(dir.Path, error.Message);
    }

    [Fact]
    public void AMissingDirectoryIsNamed()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-rembert-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => CheckpointReader.Open(missing));
        Assert.Contains(missing, error.Message);
    }

    private static CheckpointFormatException AssertFormatError(TemporaryDirectory dir, string fileName, string problem)
    {
        var error = Assert.Throws<CheckpointFormatException>(() =>
        {
            using var reader = CheckpointReader.Open(dir.Path);
            foreach (var key in reader.Keys) reader.Read(key).Dispose();
        });
        Assert.Equal(dir.File(fileName), error.FilePath);
        Assert.Contains(dir.File(fileName), error.Message);
        Assert.Contains(problem, error.Message);
        return error;
    }

    private static TemporaryDirectory CopyOf(string fixture, string fileName, Func<byte[], byte[]> damage)
    {
        var source = Path.Combine(CheckpointFixtures.Directory(fixture), fileName);
        var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File(fileName), damage(File.ReadAllBytes(source)));
        return dir;
    }

    /// <summary>Replaces text inside the safetensors JSON header, keeping its length so the file stays parseable.</summary>
    private static byte[] ReplaceInHeader(byte[] bytes, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        int headerLength = (int)BitConverter.ToInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.Contains(from, header);
        int at = header.IndexOf(from, StringComparison.Ordinal);
        Encoding.UTF8.GetBytes(to).CopyTo(bytes, 8 + at);
        return bytes;
    }
}
