using System.Text.Json;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>
/// TestData/fixtures/rembert-reference: the inputs and PyTorch float32 outputs in expected.json, and the seven
/// checkpoint directories they came from.
/// </summary>
internal sealed class ReferenceFixture
{
    private const string FixtureName = "rembert-reference";
    private const string ExpectedFile = "expected.json";

    private readonly JsonElement _root;

    private ReferenceFixture(string directory, JsonElement root)
    {
        Directory = directory;
        _root = root;
    }

    public string Directory { get; }

    public static ReferenceFixture Load()
    {
        var directory = TestPaths.Fixture(FixtureName);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, ExpectedFile)));
        return new ReferenceFixture(directory, document.RootElement.Clone());
    }

    /// <summary>A checkpoint directory: base, seqcls, tokcls, qa, mc, mlm or causal.</summary>
    public string Checkpoint(string name) => Path.Combine(Directory, name);

    public Tensor InputIds() => IntMatrix("input_ids");

    public Tensor TokenTypeIds() => IntMatrix("token_type_ids");

    public Tensor AttentionMask() => IntMatrix("attention_mask");

    /// <summary>One expected output: its shape and row-major values.</summary>
    public (long[] Shape, float[] Data) Output(string name)
    {
        var output = _root.GetProperty("outputs").GetProperty(name);
        var shape = output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var data = output.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        return (shape, data);
    }

    private Tensor IntMatrix(string name)
    {
        var rows = _root.GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToArray();
        return tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });
    }
}
