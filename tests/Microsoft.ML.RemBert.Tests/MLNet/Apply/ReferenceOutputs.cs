using System.Text.Json;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.MLNet.Apply;

/// <summary>
/// ../shared/fixtures/rembert-reference/expected.json as managed arrays: the texts (a TAB separates a pair), their
/// PyTorch reference ids, and the reference outputs row by row (padded positions included, as the file has them).
/// </summary>
internal sealed class ReferenceOutputs
{
    private readonly JsonElement _outputs;

    private ReferenceOutputs(JsonElement root)
    {
        Texts = root.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        InputIds = root.GetProperty("input_ids").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        AttentionMask = root.GetProperty("attention_mask").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        _outputs = root.GetProperty("outputs").Clone();
    }

    public string[] Texts { get; }

    public int[][] InputIds { get; }

    public int[][] AttentionMask { get; }

    /// <summary>The fixture checkpoint directory <paramref name="name"/> (seqcls, tokcls, qa, mc, base…); skips the test without ../shared.</summary>
    public static string Checkpoint(string name) => TestPaths.Fixture("rembert-reference", name);

    public static ReferenceOutputs Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("rembert-reference", "expected.json")));
        return new ReferenceOutputs(document.RootElement);
    }

    /// <summary>Row <paramref name="row"/>'s first sequence and pair (null for a single text).</summary>
    public (string Text, string? Pair) Text(int row)
    {
        var parts = Texts[row].Split('\t');
        return (parts[0], parts.Length > 1 ? parts[1] : null);
    }

    /// <summary>The unpadded tokens of row <paramref name="row"/>.</summary>
    public int Length(int row) => AttentionMask[row].Sum();

    /// <summary>Output <paramref name="name"/>'s slice for its first index <paramref name="row"/>, flattened (e.g. one row's logits, or [seq, labels]).</summary>
    public float[] Row(string name, int row)
    {
        var output = _outputs.GetProperty(name);
        var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        int size = shape.Skip(1).Aggregate(1, (a, b) => a * b);
        return output.GetProperty("data").EnumerateArray().Skip(row * size).Take(size).Select(d => d.GetSingle()).ToArray();
    }

    /// <summary>The last dimension of output <paramref name="name"/>.</summary>
    public int Width(string name) => _outputs.GetProperty(name).GetProperty("shape").EnumerateArray().Last().GetInt32();

    public static float[] Softmax(IReadOnlyList<float> logits)
    {
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}
