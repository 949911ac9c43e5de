using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Checkpoints;
using TorchSharp;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>Seeded mutations of a safetensors file: every one reads or fails with a <see cref="CheckpointFormatException"/>.</summary>
[Collection(nameof(MemoryMeasurementCollection))] // FuzzRun measures the process's managed heap: nothing else may run meanwhile
public class SafeTensorsHeaderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void MutatedFilesReadOrFailWithACheckpointFormatException()
    {
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.SafeTensors);
        int mutations = FuzzRun.Run<CheckpointFormatException>("safetensors", new[] { ValidFile() }, Mutate, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            using var reader = CheckpointReader.OpenFile(path);
            foreach (var key in reader.Keys) reader.Read(key).Dispose();
        }, iterations: 1500); // a file written and read per case: 1,500 take about 3 s
        output.WriteLine($"{mutations} mutations");
    }

    /// <summary>Half the time a byte-level mutation (the header length at offset 0 tampered with often); otherwise a
    /// JSON-level mutation of the header with the length field kept consistent, so the mutated JSON is what gets parsed.</summary>
    private static (byte[], string) Mutate(byte[] valid, Random random)
    {
        if (random.Next(2) == 0) return ByteMutator.Mutate(valid, random, lengthFieldOffsets: new[] { 0 });
        int headerLength = (int)BitConverter.ToInt64(valid, 0);
        var header = valid.AsSpan(SafeTensorsFile.LengthPrefixBytes, headerLength).ToArray();
        var (mutated, description) = ByteMutator.Mutate(header, random, json: true);
        var data = valid.AsSpan(SafeTensorsFile.LengthPrefixBytes + headerLength).ToArray();
        return (BitConverter.GetBytes((long)mutated.Length).Concat(mutated).Concat(data).ToArray(), "header: " + description);
    }

    private static byte[] ValidFile()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new List<KeyValuePair<string, torch.Tensor>>
        {
            new("embeddings.word_embeddings.weight", torch.arange(6, dtype: torch.ScalarType.Float32).reshape(2, 3)),
            new("encoder.layer.0.output.dense.bias", torch.arange(4, dtype: torch.ScalarType.Int64)),
            new("pooler.dense.weight", torch.ones(2, 2, dtype: torch.ScalarType.Float16)),
            new("scalar", torch.tensor(1.5f)),
        };
        using var stream = new MemoryStream();
        SafeTensorsWriter.WriteTo(stream, tensors, SafeTensorsWriter.PyTorchMetadata, CancellationToken.None);
        return stream.ToArray();
    }
}
