using System.Text.Json;
using Microsoft.ML.RemBert.Cli.Commands;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using TorchSharp;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// <c>rembert forward</c> on every reference checkpoint reproduces expected.json within 1e-4, through the same
/// JSON files a user would write and read.
/// </summary>
public class ForwardCommandTests
{
    private const double Tolerance = 1e-4;
    private const int KeptVocabularyLogits = 64;
    private const int ChoicesPerQuestion = 2;

    public static TheoryData<string, string, string> Cases => new()
    {
        { "base", "last_hidden_state", "last_hidden_state" },
        { "base", "pooler_output", "pooler_output" },
        { "seqcls", "logits", "seqcls_logits" },
        { "tokcls", "logits", "tokcls_logits" },
        { "qa", "start_logits", "qa_start_logits" },
        { "qa", "end_logits", "qa_end_logits" },
        { "mc", "logits", "mc_logits" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void OutputMatchesReference(string checkpoint, string outputName, string expectedName)
    {
        var fixture = ReferenceFixture.Load();
        var output = RunForward(fixture, checkpoint);
        var (shape, data) = ReadOutput(output, outputName);
        var expected = fixture.Output(expectedName);
        Assert.Equal(expected.Shape, shape);
        TensorAssert.CloseValues($"{checkpoint}/{outputName}", expected.Data, data, Tolerance);
    }

    [SkippableTheory]
    [InlineData("mlm", "mlm")]
    [InlineData("causal", "causal_lm")]
    public void LanguageModelLogitsMatchReference(string checkpoint, string expectedPrefix)
    {
        var fixture = ReferenceFixture.Load();
        var (shape, data) = ReadOutput(RunForward(fixture, checkpoint), "logits");
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(data, shape);
        var first = logits[.., .., ..KeptVocabularyLogits].contiguous();
        var expectedFirst = fixture.Output(expectedPrefix + "_logits_first64");
        TensorAssert.Close(expectedPrefix + " first 64 logits", expectedFirst.Shape, expectedFirst.Data, first, Tolerance);
        var expectedLse = fixture.Output(expectedPrefix + "_logsumexp");
        TensorAssert.Close(expectedPrefix + " logsumexp", expectedLse.Shape, expectedLse.Data, logits.logsumexp(-1), Tolerance);
    }

    [SkippableFact]
    public void MalformedInputsNameTheFileAndKey()
    {
        var fixture = ReferenceFixture.Load();
        var (ex, inputs) = RunRejected(fixture, "base", """{"input_ids": [[3, 5, 4], [3, 4]]}""");
        Assert.Contains(inputs, ex.Message);
        Assert.Contains("input_ids", ex.Message);

        (ex, _) = RunRejected(fixture, "base", """{"attention_mask": [[1, 1]]}""");
        Assert.Contains("'input_ids' is missing", ex.Message);
    }

    /// <summary>[[3, 5], [4, [6]]] has as many numbers as a [2, 2, 1] array; for a multiple-choice checkpoint (rank-3 input)
    /// it must still be rejected as ragged, not run as the ids [[[3], [5]], [[4], [6]]].</summary>
    [SkippableFact]
    public void ANestedArrayAfterNumbersIsRagged()
    {
        var (ex, _) = RunRejected(ReferenceFixture.Load(), "mc", """{"input_ids": [[3, 5], [4, [6]]]}""");
        Assert.Contains("ragged", ex.Message);
    }

    /// <summary>Runs forward on <paramref name="inputsJson"/>, which must be rejected before any output is written.</summary>
    private static (InvalidDataException Error, string InputsPath) RunRejected(ReferenceFixture fixture, string checkpoint, string inputsJson)
    {
        var dir = Directory.CreateTempSubdirectory("rembert-forward-");
        try
        {
            var inputs = Path.Combine(dir.FullName, "in.json");
            var output = Path.Combine(dir.FullName, "out.json");
            File.WriteAllText(inputs, inputsJson);
            var ex = Assert.Throws<InvalidDataException>(() => ForwardCommand.Run(fixture.Checkpoint(checkpoint), inputs, output, torch.CPU, TextWriter.Null));
            Assert.False(File.Exists(output));
            return (ex, inputs);
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>Writes the fixture's inputs as the CLI's JSON (grouped as [question][choice][length] for multiple choice), runs it, returns the output file's JSON.</summary>
    internal static JsonElement RunForward(ReferenceFixture fixture, string checkpoint, RemBertPrecision precision = RemBertPrecision.Float32) =>
        InTemporaryDirectory(fixture, checkpoint, (inputPath, outputPath) =>
            ForwardCommand.Run(fixture.Checkpoint(checkpoint), inputPath, outputPath, torch.CPU, TextWriter.Null, precision: precision));

    /// <summary>
    /// Writes the fixture's inputs for <paramref name="checkpoint"/> to a temporary in.json, lets <paramref name="run"/>
    /// write out.json from it, and returns out.json's JSON.
    /// </summary>
    internal static JsonElement InTemporaryDirectory(ReferenceFixture fixture, string checkpoint, Action<string, string> run)
    {
        var dir = Directory.CreateTempSubdirectory("rembert-forward-");
        try
        {
            var inputs = new Dictionary<string, object>();
            foreach (var (name, matrix) in new[] { ("input_ids", fixture.InputIds()), ("token_type_ids", fixture.TokenTypeIds()), ("attention_mask", fixture.AttentionMask()) })
            {
                var rows = Enumerable.Range(0, (int)matrix.shape[0]).Select(r => matrix[r].data<long>().ToArray()).ToArray();
                inputs[name] = checkpoint == "mc" ? rows.Chunk(ChoicesPerQuestion).ToArray() : rows;
            }
            var inputPath = Path.Combine(dir.FullName, "in.json");
            var outputPath = Path.Combine(dir.FullName, "out.json");
            File.WriteAllText(inputPath, JsonSerializer.Serialize(inputs));
            run(inputPath, outputPath);
            using var doc = JsonDocument.Parse(File.ReadAllText(outputPath));
            return doc.RootElement.Clone();
        }
        finally { dir.Delete(recursive: true); }
    }

    internal static (long[] Shape, float[] Data) ReadOutput(JsonElement root, string name)
    {
        Assert.True(root.TryGetProperty(name, out var output), $"output '{name}' missing; got {string.Join(", ", root.EnumerateObject().Select(p => p.Name))}");
        return (output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                output.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray());
    }
}
