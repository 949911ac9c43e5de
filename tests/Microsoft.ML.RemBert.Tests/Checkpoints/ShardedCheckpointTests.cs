using System.Collections;
using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

public class ShardedCheckpointTests
{
    private const int ShardCount = 3;

    private const string SafeTensorsShardPattern = "model-{0:00000}-of-{1:00000}.safetensors";
    private const string PickleShardPattern = "pytorch_model-{0:00000}-of-{1:00000}.bin";

    [SkippableFact]
    public void SafeTensorsShardsReadLikeTheSingleFile()
    {
        using var original = CheckpointReader.Open(CheckpointFixtures.Directory("seqcls"));
        using var output = WriteSafeTensorsShards(original);
        AssertSameAsOriginal(original, output.Path, CheckpointFileNames.SafeTensorsIndex);
    }

    [SkippableFact]
    public void PickleShardsWrittenByPyBridgeReadLikeTheSingleFile()
    {
        using var original = CheckpointReader.Open(CheckpointFixtures.Directory("mlm"));
        using var output = WriteShards(original, CheckpointFileNames.PyTorchIndex, PickleShardPattern,
            (path, tensors) => PyTorchPickler.PickleStateDict(path, new Hashtable(tensors.ToDictionary(p => p.Key, p => p.Value))));
        AssertSameAsOriginal(original, output.Path, CheckpointFileNames.PyTorchIndex);
    }

    [SkippableFact]
    public void AnIndexNamingAMissingShardSaysWhichShard()
    {
        using var original = CheckpointReader.Open(CheckpointFixtures.Directory("seqcls"));
        using var output = WriteSafeTensorsShards(original);
        File.Delete(output.File("model-00002-of-00003.safetensors"));

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(output.Path));
        Assert.Contains("model-00002-of-00003.safetensors", error.Message);
        Assert.Contains(CheckpointFileNames.SafeTensorsIndex, error.Message);
    }

    private static void AssertSameAsOriginal(CheckpointReader original, string directory, string indexName)
    {
        using var sharded = CheckpointReader.Open(directory);
        Assert.EndsWith(indexName, sharded.Source);
        Assert.Equal(ShardCount, sharded.Files.Count);
        Assert.Equal(original.Keys.Order(), sharded.Keys.Order());
        foreach (var key in original.Keys)
        {
            using var expected = original.Read(key);
            using var actual = sharded.Read(key);
            Assert.True(TensorAssert.Identical(expected, actual), $"'{key}' differs in the sharded copy");
        }
    }

    private static TemporaryDirectory WriteSafeTensorsShards(CheckpointReader original) =>
        WriteShards(original, CheckpointFileNames.SafeTensorsIndex, SafeTensorsShardPattern, (path, tensors) => SafeTensorsWriter.Write(path, tensors));

    /// <summary>Splits the checkpoint into <see cref="ShardCount"/> files plus a transformers-style index, in a new temporary directory.</summary>
    private static TemporaryDirectory WriteShards(CheckpointReader original, string indexName, string shardPattern,
        Action<string, IReadOnlyList<KeyValuePair<string, torch.Tensor>>> writeShard)
    {
        var output = new TemporaryDirectory();
        var weightMap = new Dictionary<string, string>();
        var keys = original.Keys.ToList();
        int perShard = (keys.Count + ShardCount - 1) / ShardCount;
        for (int shard = 0; shard < ShardCount; shard++)
        {
            string name = string.Format(shardPattern, shard + 1, ShardCount);
            var tensors = keys.Skip(shard * perShard).Take(perShard).Select(k => new KeyValuePair<string, torch.Tensor>(k, original.Read(k))).ToList();
            writeShard(output.File(name), tensors);
            foreach (var (key, tensor) in tensors)
            {
                weightMap[key] = name;
                tensor.Dispose();
            }
        }
        var index = new { metadata = new { total_size = 0 }, weight_map = weightMap };
        File.WriteAllText(output.File(indexName), JsonSerializer.Serialize(index));
        return output;
    }
}
