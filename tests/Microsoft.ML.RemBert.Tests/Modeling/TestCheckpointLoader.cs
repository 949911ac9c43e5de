using System.Collections;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>
/// Test-only weight loading (the product's loader lives in Checkpoints/): reads a Hugging Face checkpoint with
/// TorchSharp.PyBridge, adapts the <c>rembert.</c> prefix to the target, drops the legacy
/// <c>embeddings.position_ids</c> buffer, and loads strictly after checking that keys and shapes match exactly.
/// </summary>
internal static class TestCheckpointLoader
{
    private const string SafetensorsFile = "model.safetensors";
    private const string PickleFile = "pytorch_model.bin";
    private const string LegacyPositionIds = "embeddings.position_ids";
    private static readonly string[] BaseModelModules = { "embeddings.", "encoder.", "pooler." };

    public static void LoadInto(RemBertPreTrainedModel model, string checkpointDirectory)
    {
        var source = ReadStateDict(checkpointDirectory);
        try
        {
            var adapted = new Dictionary<string, Tensor>();
            foreach (var (key, value) in source)
                if (TargetKey(key, targetIsHead: !ReferenceEquals(model.BaseModel, model)) is { } targetKey)
                    adapted[targetKey] = value;

            var target = model.state_dict();
            var missing = target.Keys.Except(adapted.Keys).ToList();
            var unexpected = adapted.Keys.Except(target.Keys).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidDataException(
                    $"{checkpointDirectory}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
            foreach (var (key, value) in adapted)
                if (!value.shape.SequenceEqual(target[key].shape))
                    throw new InvalidDataException(
                        $"{checkpointDirectory}: {key} has shape [{string.Join(", ", value.shape)}], model expects [{string.Join(", ", target[key].shape)}]");
            model.load_state_dict(adapted, strict: true);
        }
        finally
        {
            foreach (var tensor in source.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// The model key for a checkpoint key, as transformers maps them: a head gets <c>rembert.</c> before base-model
    /// keys that lack it; a bare model drops the prefix and ignores head weights. Null for keys to skip.
    /// </summary>
    private static string? TargetKey(string key, bool targetIsHead)
    {
        var prefix = RemBertPreTrainedModel.BaseModelPrefix + ".";
        var prefixed = key.StartsWith(prefix, StringComparison.Ordinal);
        var bare = prefixed ? key[prefix.Length..] : key;
        var isBaseModelKey = prefixed || BaseModelModules.Any(m => bare.StartsWith(m, StringComparison.Ordinal));
        if (bare == LegacyPositionIds) return null;
        if (targetIsHead) return isBaseModelKey ? prefix + bare : key;
        return isBaseModelKey ? bare : null;
    }

    private static Dictionary<string, Tensor> ReadStateDict(string directory)
    {
        var safetensors = Path.Combine(directory, SafetensorsFile);
        if (File.Exists(safetensors)) return Safetensors.LoadStateDict(safetensors);
        var pickle = Path.Combine(directory, PickleFile);
        using var stream = File.OpenRead(pickle);
        var table = PyTorchUnpickler.UnpickleStateDict(stream);
        return table.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!);
    }
}
