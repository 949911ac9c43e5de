namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// Matches a model's state-dict keys to a checkpoint's keys. Head models nest the encoder under
/// <c>rembert.</c> while a bare <c>RemBertModel</c> does not, so a key matches exactly or with that prefix
/// added or removed: a base model loads from a head checkpoint, and a head model loads its encoder from a
/// base-only checkpoint such as google/rembert.
/// </summary>
internal sealed class CheckpointKeyMap
{
    private CheckpointKeyMap(IReadOnlyDictionary<string, string> modelToCheckpoint, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<string> ignored)
    {
        ModelToCheckpoint = modelToCheckpoint;
        Missing = missing;
        Unexpected = unexpected;
        Ignored = ignored;
    }

    /// <summary>For each model key found in the checkpoint, the checkpoint key to read it from.</summary>
    public IReadOnlyDictionary<string, string> ModelToCheckpoint { get; }

    /// <summary>Model keys with no checkpoint key.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint keys no model key uses and not ignored.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Checkpoint keys deliberately skipped (legacy buffers).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Builds the map for <paramref name="modelKeys"/> against <paramref name="checkpointKeys"/>.</summary>
    /// <param name="modelKeys">The model's state-dict keys.</param>
    /// <param name="checkpointKeys">The checkpoint's keys.</param>
    /// <param name="basePrefix">The prefix head models put before the encoder's keys, e.g. <c>rembert.</c>.</param>
    /// <param name="ignoredKeySuffixes">Checkpoint keys ending with one of these are skipped when the model lacks them.</param>
    public static CheckpointKeyMap Build(IEnumerable<string> modelKeys, IReadOnlyCollection<string> checkpointKeys,
        string basePrefix, IReadOnlyCollection<string> ignoredKeySuffixes)
    {
        var available = new HashSet<string>(checkpointKeys, StringComparer.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var key in modelKeys)
        {
            var match = Candidates(key, basePrefix).FirstOrDefault(available.Contains);
            if (match is null) missing.Add(key);
            else map[key] = match;
        }
        var used = new HashSet<string>(map.Values, StringComparer.Ordinal);
        var unused = checkpointKeys.Where(k => !used.Contains(k)).ToList();
        var ignored = unused.Where(k => ignoredKeySuffixes.Any(suffix => k == suffix || k.EndsWith("." + suffix, StringComparison.Ordinal))).ToList();
        var unexpected = unused.Except(ignored).ToList();
        return new CheckpointKeyMap(map, missing, unexpected, ignored);
    }

    /// <summary>The key itself, then with the prefix removed or added; then the same with the legacy LayerNorm names.</summary>
    private static IEnumerable<string> Candidates(string modelKey, string basePrefix)
    {
        var other = modelKey.StartsWith(basePrefix, StringComparison.Ordinal) ? modelKey[basePrefix.Length..] : basePrefix + modelKey;
        var keys = new[] { modelKey, other };
        return keys.Concat(keys.Select(LegacyLayerNormName).OfType<string>());
    }

    /// <summary>TensorFlow-era checkpoints call LayerNorm's weight and bias gamma and beta; transformers renames them on load.</summary>
    private static string? LegacyLayerNormName(string key)
    {
        const string Weight = "LayerNorm.weight", Bias = "LayerNorm.bias", Gamma = "LayerNorm.gamma", Beta = "LayerNorm.beta";
        if (key.EndsWith(Weight, StringComparison.Ordinal)) return key[..^Weight.Length] + Gamma;
        if (key.EndsWith(Bias, StringComparison.Ordinal)) return key[..^Bias.Length] + Beta;
        return null;
    }
}
