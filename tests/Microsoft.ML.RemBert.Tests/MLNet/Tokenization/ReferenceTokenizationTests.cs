using System.Text.Json;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Tokenization;

/// <summary>
/// The transform (in process, and through a saved zip in the <c>rembert predict</c> CLI) against the ids
/// transformers' RemBertTokenizer gave for TestData/fixtures/rembert-reference/texts.txt.
/// </summary>
public sealed class ReferenceTokenizationTests : MLNetFileTestBase
{
    private sealed record PairRow(string Text, string Pair);

    private sealed record Reference(PairRow[] Rows, long[][] InputIds, long[][] TokenTypeIds, long[][] AttentionMask);

    private static Reference LoadReference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("rembert-reference", "expected.json")));
        var root = json.RootElement;
        long[][] Matrix(string name) => root.GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(value => value.GetInt64()).ToArray()).ToArray();
        // A TAB separates the pair in texts.txt. Rows without one are single sequences ([CLS] A [SEP]), which
        // needs the transform without a second column, so single and paired rows are fit and checked separately.
        var rows = root.GetProperty("texts").EnumerateArray()
            .Select(text => text.GetString()!.Split('\t'))
            .Select(parts => new PairRow(parts[0], parts.Length > 1 ? parts[1] : ""))
            .ToArray();
        return new Reference(rows, Matrix("input_ids"), Matrix("token_type_ids"), Matrix("attention_mask"));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void TransformAndCliGiveTheReferenceIds(bool paired)
    {
        var reference = LoadReference();
        var indices = Enumerable.Range(0, reference.Rows.Length).Where(i => (reference.Rows[i].Pair.Length > 0) == paired).ToArray();
        Skip.If(indices.Length == 0, "No reference rows of this kind.");
        int length = reference.InputIds[0].Length;
        var data = MLContext.Data.LoadFromEnumerable(indices.Select(i => reference.Rows[i]));
        var model = MLContext.Transforms.Text.TokenizeForRemBert(
            TestPaths.Fixture("rembert-reference", "base"),
            inputColumnName: nameof(PairRow.Text),
            secondInputColumnName: paired ? nameof(PairRow.Pair) : null,
            maxSequenceLength: length).Fit(data);

        var inProcess = TokenizerTestData.ReadOutput(MLContext, model.Transform(data));
        for (int k = 0; k < indices.Length; k++)
        {
            Assert.Equal(reference.InputIds[indices[k]], inProcess[k].InputIds);
            Assert.Equal(reference.TokenTypeIds[indices[k]], inProcess[k].TokenTypeIds);
            Assert.Equal(reference.AttentionMask[indices[k]], inProcess[k].AttentionMask);
        }

        string zip = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        string input = Path.Combine(TempDirectory, "rows.jsonl");
        File.WriteAllLines(input, indices.Select(i => JsonSerializer.Serialize(reference.Rows[i])));
        string output = Path.Combine(TempDirectory, "out.jsonl");
        var result = RembertCli.Run("predict", "--model", zip, "--input", input, "--output", output, "--columns", "InputIds");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = File.ReadAllLines(output);
        Assert.Equal(indices.Length, lines.Length);
        for (int k = 0; k < indices.Length; k++)
        {
            using var line = JsonDocument.Parse(lines[k]);
            Assert.Equal(reference.InputIds[indices[k]], line.RootElement.GetProperty("InputIds").EnumerateArray().Select(v => v.GetInt64()));
        }
    }
}
