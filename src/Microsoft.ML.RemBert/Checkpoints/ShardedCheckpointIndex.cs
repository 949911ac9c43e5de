using System.Text.Json;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>The <c>weight_map</c> of a sharded checkpoint's <c>*.index.json</c>: which shard file holds each key.</summary>
internal static class ShardedCheckpointIndex
{
    private const string WeightMapProperty = "weight_map";

    /// <summary>Reads the index at <paramref name="indexPath"/> and returns the shard file names (relative to its folder) in first-use order.</summary>
    public static IReadOnlyList<string> ReadShardFileNames(string indexPath)
    {
        var shards = ReadListedShardFileNames(indexPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        foreach (var shard in shards.Where(s => !File.Exists(Path.Combine(folder, s))))
            throw new CheckpointFormatException(indexPath, $"shard '{shard}' listed in the weight map is missing from '{folder}'.");
        return shards;
    }

    /// <summary>
    /// The shard file names the index lists, in first-use order, whether or not they exist yet (the Hub downloader
    /// reads them to know what to fetch). Each is a plain file name: a path that would leave the folder is rejected.
    /// </summary>
    public static IReadOnlyList<string> ReadListedShardFileNames(string indexPath)
    {
        var json = IO.JsonFiles.ReadUtf8(indexPath);
        if (IO.JsonFiles.InvalidUtf8Offset(json.Span) is var bad and >= 0)
            throw new CheckpointFormatException(indexPath, $"the index is not valid UTF-8 (byte {bad}).");
        JsonDocument document;
        try { document = JsonDocument.Parse(json, IO.JsonFiles.StrictOptions); }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(indexPath, $"the index is not valid JSON ({ex.Message}).", ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty(WeightMapProperty, out var map) || map.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(indexPath, $"the index has no \"{WeightMapProperty}\" object mapping keys to shard files.");
            var shards = new List<string>();
            foreach (var entry in map.EnumerateObject())
            {
                string shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
                if (shard.Contains('\0'))
                    throw new CheckpointFormatException(indexPath, $"key '{entry.Name}' maps to a shard name holding a NUL character, which no file name can hold.");
                if (shard.Length == 0 || Path.GetFileName(shard) != shard || shard is "." or "..")
                    throw new CheckpointFormatException(indexPath, $"key '{entry.Name}' maps to '{entry.Value}', which is not a file name in the index's folder.");
                if (!shards.Contains(shard)) shards.Add(shard);
            }
            return shards;
        }
    }
}
