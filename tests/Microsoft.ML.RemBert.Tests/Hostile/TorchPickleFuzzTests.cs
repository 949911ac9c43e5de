using System.Text;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>Seeded mutations of a torch.save checkpoint's data.pkl (and sometimes of the whole zip): every one reads or fails with a <see cref="CheckpointFormatException"/>.</summary>
[Collection(nameof(MemoryMeasurementCollection))] // FuzzRun measures the process's managed heap: nothing else may run meanwhile
public class TorchPickleFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] ZipSignature = "PK"u8.ToArray();

    private static readonly float[] Twelve = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

    [Fact]
    public void MutatedPicklesReadOrFailWithACheckpointFormatException()
    {
        var builder = Builder();
        var storages = new Dictionary<string, float[]> { ["0"] = Twelve, ["1"] = Twelve[..4] };
        using var dir = new TemporaryDirectory();
        string path = dir.File(CheckpointFileNames.PyTorch);
        builder.Write(path);
        var validZip = File.ReadAllBytes(path);

        int mutations = FuzzRun.Run<CheckpointFormatException>("torch pickle", new[] { builder.Pickle() }, (pickle, random) =>
        {
            // One mutation in five damages the archive around a valid pickle instead.
            if (random.Next(5) > 0) return ByteMutator.Mutate(pickle, random);
            var (zip, description) = ByteMutator.Mutate(validZip, random);
            return (zip, "whole zip: " + description);
        }, bytes =>
        {
            if (bytes.AsSpan().StartsWith(ZipSignature)) File.WriteAllBytes(path, bytes);
            else
            {
                File.Delete(path);
                TorchZipBuilder.WriteArchive(path, bytes, storages);
            }
            using var reader = CheckpointReader.OpenFile(path);
            foreach (var key in reader.Keys) reader.Read(key).Dispose();
        });
        output.WriteLine($"{mutations} mutations");
    }

    /// <summary>Contiguous, offset, transposed and shared-storage views: every path of the reader.</summary>
    private static TorchZipBuilder Builder() => new TorchZipBuilder()
        .Storage("0", Twelve)
        .Storage("1", Twelve[..4])
        .Tensor("encoder.layer.0.attention.self.query.weight", "0", offset: 0, shape: new long[] { 3, 4 }, stride: new long[] { 4, 1 })
        .Tensor("encoder.layer.0.attention.self.key.weight", "0", offset: 0, shape: new long[] { 4, 3 }, stride: new long[] { 1, 4 })
        .Tensor("pooler.dense.bias", "0", offset: 8, shape: new long[] { 4 }, stride: new long[] { 1 })
        .Tensor("classifier.bias", "1", offset: 0, shape: new long[] { 2, 2 }, stride: new long[] { 2, 1 });
}
