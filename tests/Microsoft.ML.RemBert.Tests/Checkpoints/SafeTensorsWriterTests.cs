using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

public class SafeTensorsWriterTests
{
    private const string ConfigJson = "{\"model_type\": \"rembert\"}";

    [SkippableTheory]
    [InlineData("seqcls")]
    [InlineData("mlm")]
    public void SavedDirectoryReadsBackIdenticallyHereAndInPyBridge(string fixture)
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory(fixture));
        using var model = CheckpointFixtures.ModuleFor(reader, k => k);
        CheckpointLoader.LoadInto(model, reader);
        using var output = new TemporaryDirectory();

        CheckpointWriter.SaveDirectory(model, output.Path, ConfigJson);

        Assert.Equal(ConfigJson, File.ReadAllText(output.File(CheckpointFileNames.Config)));
        Assert.Equal(new[] { CheckpointFileNames.Config, CheckpointFileNames.SafeTensors }, Directory.GetFiles(output.Path).Select(Path.GetFileName).Order());
        using var saved = CheckpointReader.Open(output.Path);
        var pyBridge = Safetensors.LoadStateDict(output.File(CheckpointFileNames.SafeTensors));
        var floatKeys = reader.Keys.Where(k => reader.GetInfo(k).DType == torch.ScalarType.Float32).ToList();
        Assert.Equal(floatKeys.Order(), saved.Keys.Order());
        foreach (var key in floatKeys)
        {
            using var original = reader.Read(key);
            using var reread = saved.Read(key);
            Assert.True(TensorAssert.Identical(original, reread), $"'{key}' changed in the round trip");
            Assert.True(TensorAssert.Identical(original, pyBridge[key]), $"PyBridge reads '{key}' differently");
        }
    }

    [Fact]
    public void HeaderHasPyTorchMetadataAlignedDataAndExactBytes()
    {
        using var output = new TemporaryDirectory();
        string path = output.File("t.safetensors");
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var b = torch.tensor(new long[] { -1, 7 });
        SafeTensorsWriter.Write(path, new KeyValuePair<string, torch.Tensor>[] { new("a", a), new("b.c", b) });

        var bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, (8 + headerLength) % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal("F32", header.RootElement.GetProperty("a").GetProperty("dtype").GetString());
        Assert.Equal("I64", header.RootElement.GetProperty("b.c").GetProperty("dtype").GetString());
        var data = bytes.AsSpan((int)(8 + headerLength));
        Assert.Equal(6 * 4 + 2 * 8, data.Length);
        Assert.Equal(5f, BitConverter.ToSingle(data[20..24]));
        Assert.Equal(-1L, BitConverter.ToInt64(data[24..32]));
    }

    [Fact]
    public void ACancelledSaveLeavesNoFileBehindAndKeepsThePreviousOne()
    {
        using var output = new TemporaryDirectory();
        string path = output.File(CheckpointFileNames.SafeTensors);
        File.WriteAllText(path, "previous");
        using var big = torch.zeros(4, 1 << 20);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            SafeTensorsWriter.Write(path, new KeyValuePair<string, torch.Tensor>[] { new("w", big) }, cancellationToken: cancellation.Token));

        Assert.Equal(new[] { path }, Directory.GetFiles(output.Path));
        Assert.Equal("previous", File.ReadAllText(path));
    }

    [Fact]
    public void ACancelledDirectorySaveChangesNeitherWeightsNorConfig()
    {
        using var output = new TemporaryDirectory();
        string config = output.File(CheckpointFileNames.Config);
        File.WriteAllText(config, "old config");
        using var model = KeyedModule.Create(new[] { ("dense.weight", new long[] { 4, 4 }) });
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => CheckpointWriter.SaveDirectory(model, output.Path, ConfigJson, cancellation.Token));

        Assert.Equal(new[] { config }, Directory.GetFiles(output.Path));
        Assert.Equal("old config", File.ReadAllText(config));
    }

    [Fact]
    public void CancellingAfterTheFirstTensorIsWrittenLeavesNoFileBehind()
    {
        using var output = new TemporaryDirectory();
        string path = output.File(CheckpointFileNames.SafeTensors);
        using var first = torch.ones(1 << 20);
        using var second = torch.ones(1 << 20);
        using var cancellation = new CancellationTokenSource();
        var tensors = new CancelAfterFirstDataPass(cancellation, new("first", first), new("second", second));

        Assert.ThrowsAny<OperationCanceledException>(() => SafeTensorsWriter.Write(path, tensors, cancellationToken: cancellation.Token));

        Assert.True(tensors.FirstTensorHandedOut, "the writer never reached the data");
        Assert.Empty(Directory.GetFiles(output.Path));
    }

    /// <summary>A tensor list that cancels the save once the writer has taken the first tensor for writing its data (its second pass).</summary>
    private sealed class CancelAfterFirstDataPass(CancellationTokenSource cancellation, params KeyValuePair<string, torch.Tensor>[] items)
        : IReadOnlyList<KeyValuePair<string, torch.Tensor>>
    {
        private int _passes;

        public bool FirstTensorHandedOut { get; private set; }

        public int Count => items.Length;

        public KeyValuePair<string, torch.Tensor> this[int index] => items[index];

        public IEnumerator<KeyValuePair<string, torch.Tensor>> GetEnumerator()
        {
            bool dataPass = ++_passes > 1;
            foreach (var item in items)
            {
                yield return item;
                if (dataPass)
                {
                    FirstTensorHandedOut = true;
                    cancellation.Cancel();
                }
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
