namespace Microsoft.ML.RemBert.Modeling.Lora;

/// <summary>
/// Which linear layers a LoRA target name selects. Candidates are the six linear layers of each encoder layer, named
/// by their state-dict path inside the layer; a target selects every candidate whose path is the target or ends with
/// "." + target, as PEFT matches <c>target_modules</c> by module-name suffix. The pooler and the head are not
/// candidates: they train fully.
/// </summary>
internal static class LoraTargets
{
    /// <summary>The linear layers of one encoder layer, by state-dict path relative to <c>encoder.layer.N</c>.</summary>
    public static readonly IReadOnlyList<string> LayerLinearPaths =
    [
        "attention.self.query", "attention.self.key", "attention.self.value",
        "attention.output.dense", "intermediate.dense", "output.dense",
    ];

    /// <summary>The names users are told about when a target is invalid.</summary>
    public static string ValidNames => "query, key, value, attention.output.dense, intermediate.dense, output.dense, dense (any end of " +
                                       string.Join(", ", LayerLinearPaths) + ")";

    /// <summary>Whether <paramref name="path"/> (relative to the layer) is selected by <paramref name="target"/>.</summary>
    public static bool Matches(string path, string target)
        => path == target || path.EndsWith("." + target, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="target"/> selects at least one linear layer.</summary>
    public static bool IsValid(string? target)
        => !string.IsNullOrWhiteSpace(target) && LayerLinearPaths.Any(path => Matches(path, target));

    /// <summary>The layer-relative paths <paramref name="targets"/> select, in <see cref="LayerLinearPaths"/> order.</summary>
    public static IReadOnlyList<string> Select(IEnumerable<string> targets)
    {
        var list = targets.ToList();
        return LayerLinearPaths.Where(path => list.Any(target => Matches(path, target))).ToList();
    }
}
