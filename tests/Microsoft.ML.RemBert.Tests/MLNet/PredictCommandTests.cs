using System.Text.Json;
using Microsoft.ML.RemBert.Tests.MLNet.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Tokenization.TokenizerTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>
/// The production path: a model zip saved in this process is loaded by the <c>rembert predict</c> CLI in a new
/// process (so nothing but the zip carries the tokenizer) and must give the in-process ids.
/// </summary>
public sealed class PredictCommandTests : MLNetFileTestBase
{
    private (string ModelPath, TokenizedRow[] Expected) SaveTokenizerModel()
    {
        var data = MLContext.Data.LoadFromEnumerable(Rows);
        var model = Fit(MLContext, data, withPair: true);
        string path = Path.Combine(TempDirectory, "tokenizer.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return (path, ReadOutput(MLContext, model.Transform(data)));
    }

    private string WriteInput(string extension)
    {
        string path = Path.Combine(TempDirectory, "input" + extension);
        var lines = extension switch
        {
            ".jsonl" => Rows.Select(row => JsonSerializer.Serialize(new { row.Text, row.Pair, Extra = 1 })),
            ".csv" => new[] { "Id,Pair,Text" }.Concat(Rows.Select((row, i) => $"{i},{Csv(row.Pair)},{Csv(row.Text)}")),
            _ => new[] { "Pair\tText" }.Concat(Rows.Select(row => $"{row.Pair}\t{row.Text}")),
        };
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Csv(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";

    [Theory]
    [InlineData(".jsonl")]
    [InlineData(".csv")]
    public void NewProcessGivesTheInProcessIds(string extension)
    {
        var (model, expected) = SaveTokenizerModel();
        string output = Path.Combine(TempDirectory, "out.jsonl");

        var result = RembertCli.Run("predict", "--model", model, "--input", WriteInput(extension), "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(expected.Length, lines.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(["InputIds", "AttentionMask", "TokenTypeIds"], lines[i].EnumerateObject().Select(p => p.Name));
            Assert.Equal(expected[i].InputIds, Longs(lines[i], "InputIds"));
            Assert.Equal(expected[i].AttentionMask, Longs(lines[i], "AttentionMask"));
            Assert.Equal(expected[i].TokenTypeIds, Longs(lines[i], "TokenTypeIds"));
        }
    }

    [Fact]
    public void TsvWithoutQuotingAndChosenColumns()
    {
        // Rows[4] has a tab in its text, which a TSV cannot hold: the TSV test uses the rows without one.
        var (model, expected) = SaveTokenizerModel();
        string input = Path.Combine(TempDirectory, "input.tsv");
        File.WriteAllLines(input, new[] { "Text\tPair" }.Concat(Rows.Take(4).Select(row => $"{row.Text}\t{row.Pair}")));
        string output = Path.Combine(TempDirectory, "out.jsonl");

        var result = RembertCli.Run("predict", "--model", model, "--input", input, "--output", output, "--columns", "Text", "InputIds");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(4, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Equal(Rows[i].Text, lines[i].GetProperty("Text").GetString());
            Assert.Equal(expected[i].InputIds, Longs(lines[i], "InputIds"));
        }
    }

    [Fact]
    public void InputWithoutTheModelsTextColumnFailsNamingIt()
    {
        var (model, _) = SaveTokenizerModel();
        string input = Path.Combine(TempDirectory, "input.jsonl");
        File.WriteAllLines(input, [JsonSerializer.Serialize(new { Pair = "a", Sentence = "b" })]);

        var result = RembertCli.Run("predict", "--model", model, "--input", input, "--output", Path.Combine(TempDirectory, "out.jsonl"));

        Assert.Equal(Cli.ExitCodes.BadInput, result.ExitCode);
        Assert.StartsWith("rembert predict: ", result.StandardError);
        Assert.Contains("'Text'", result.StandardError);
        Assert.False(File.Exists(Path.Combine(TempDirectory, "out.jsonl")));
    }

    [Fact]
    public void FileThatIsNotAModelZipFails()
    {
        string model = Path.Combine(TempDirectory, "model.zip");
        File.WriteAllText(model, "not a zip");

        var result = RembertCli.Run("predict", "--model", model, "--input", WriteInput(".jsonl"), "--output", Path.Combine(TempDirectory, "out.jsonl"));

        Assert.Equal(Cli.ExitCodes.BadInput, result.ExitCode);
        Assert.StartsWith("rembert predict: ", result.StandardError);
        Assert.Contains("zip", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnknownOutputColumnFailsNamingIt()
    {
        var (model, _) = SaveTokenizerModel();

        var result = RembertCli.Run("predict", "--model", model, "--input", WriteInput(".jsonl"), "--output", Path.Combine(TempDirectory, "out.jsonl"),
            "--columns", "Logits");

        Assert.Equal(Cli.ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("'Logits'", result.StandardError);
        Assert.Empty(Directory.GetFiles(TempDirectory, "out.jsonl*"));
    }

    [Fact]
    public void ModelZipMissingTheTokenizerEntryFailsNamingTheEntry()
    {
        var (model, _) = SaveTokenizerModel();
        using (var zip = System.IO.Compression.ZipFile.Open(model, System.IO.Compression.ZipArchiveMode.Update))
            zip.Entries.Single(e => e.FullName.EndsWith(Microsoft.ML.RemBert.MLNet.Tokenization.RemBertTokenizerEntry.EntryName)).Delete();

        var result = RembertCli.Run("predict", "--model", model, "--input", WriteInput(".jsonl"), "--output", Path.Combine(TempDirectory, "out.jsonl"));

        Assert.Equal(Cli.ExitCodes.BadInput, result.ExitCode);
        Assert.Equal("rembert predict: ML.NET model entry 'TransformerChain/RemBertTokenizer.bin': missing from the model zip (was it written by an incompatible version, or edited?).",
            result.StandardError.Trim());
    }

    private static long[] Longs(JsonElement row, string name)
        => row.GetProperty(name).EnumerateArray().Select(value => value.GetInt64()).ToArray();
}
