using System.Text.Json;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Apply;

/// <summary>
/// <c>rembert predict --model CHECKPOINT_DIR</c>, in a new process: a fine-tuned checkpoint directory predicts as the
/// zip of the same model does (the zip made in process by ApplyRemBertModel and MapKeyToValue, as <c>rembert train</c>
/// saves its models), and as the PyTorch reference.
/// </summary>
public sealed class PredictCheckpointDirectoryTests : MLNetFileTestBase
{
    [SkippableFact]
    public void TextClassificationDirectoryPredictsAsItsZipAndAsPyTorch()
    {
        var reference = ReferenceOutputs.Load();
        string checkpoint = ReferenceOutputs.Checkpoint("seqcls");
        int[] rows = [1, 3, 5];
        string input = Path.Combine(TempDirectory, "pairs.tsv");
        File.WriteAllLines(input, new[] { "Sentence1\tSentence2" }.Concat(rows.Select(r => reference.Texts[r])));

        var data = MLContext.Data.LoadFromTextFile(input, [new("Sentence1", Data.DataKind.String, 0), new("Sentence2", Data.DataKind.String, 1)], '\t', hasHeader: true);
        var model = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = checkpoint, Sentence2ColumnName = "Sentence2" })
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
        string zip = Path.Combine(TempDirectory, "applied.zip");
        MLContext.Model.Save(model, data.Schema, zip);

        var fromDirectory = Predict(checkpoint, input);
        var fromZip = Predict(zip, input);
        Assert.Equal(rows.Length, fromDirectory.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(fromZip[i].GetRawText(), fromDirectory[i].GetRawText());
            var logits = reference.Row("seqcls_logits", rows[i]);
            var probabilities = ReferenceOutputs.Softmax(logits);
            var scores = fromDirectory[i].GetProperty("Score").EnumerateArray().Select(s => s.GetSingle()).ToArray();
            for (int c = 0; c < probabilities.Length; c++)
                Assert.Equal(probabilities[c], scores[c], 1e-4f);
            Assert.Equal($"LABEL_{Array.IndexOf(logits, logits.Max())}", fromDirectory[i].GetProperty("PredictedLabel").GetString());
        }
    }

    [SkippableFact]
    public void TokenClassificationDirectoryReadsConllAsItsTask()
    {
        string checkpoint = ReferenceOutputs.Checkpoint("tokcls");
        string input = Path.Combine(TempDirectory, "sentences.conll");
        File.WriteAllLines(input, ["The", "quick", "fox", "", "Le", "renard"]);

        var lines = Predict(checkpoint, input);

        Assert.Equal(2, lines.Length);
        var tags = lines.Select(line => line.GetProperty("PredictedLabel").EnumerateArray().Select(t => t.GetString()!).ToArray()).ToArray();
        Assert.Equal([3, 2], tags.Select(t => t.Length));
        Assert.All(tags.SelectMany(t => t), tag => Assert.Matches("^TAG_[0-4]$", tag));
    }

    [SkippableFact]
    public void BaseCheckpointDirectoryIsAOneLineError()
    {
        string input = Path.Combine(TempDirectory, "rows.tsv");
        File.WriteAllLines(input, ["Sentence1", "x"]);
        var result = RembertCli.Run("predict", "--model", ReferenceOutputs.Checkpoint("base"), "--input", input);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("without a trained task head", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }

    private JsonElement[] Predict(string model, string input)
    {
        string output = Path.Combine(TempDirectory, $"out-{Guid.NewGuid():N}.jsonl");
        var result = RembertCli.Run("predict", "--model", model, "--input", input, "--output", output);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
    }
}
