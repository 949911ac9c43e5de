using System.Text;
using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using TorchSharp;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// <c>rembert forward --inputs</c> given what it should refuse (issue 7, items 6, 8, 9): one line naming the file and what
/// was expected, exit code 1, and the existing output file untouched with no partial file beside it.
/// </summary>
[Collection(ConsoleRedirection.Name)]
public sealed class ForwardInputTests : IDisposable
{
    private const string OldOutput = "previous output";
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    /// <summary>Runs forward on <paramref name="inputs"/> over an existing output; asserts exit 1, one line naming the file, output unchanged.</summary>
    private string Refused(string inputs, byte[]? rawInputs = null)
    {
        string inputPath = workspace.Write("in.json", inputs);
        if (rawInputs is not null) File.WriteAllBytes(inputPath, rawInputs);
        string output = workspace.Write("out.json", OldOutput);
        var arguments = workspace.Forward(inputPath, output);
        var before = workspace.Entries();

        var (code, error) = ConsoleRedirection.RunMain(arguments);

        Assert.True(code == ExitCodes.BadInput, $"exit {code}: {error}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"rembert forward: {inputPath}", error);
        Assert.Equal(OldOutput, File.ReadAllText(output));
        Assert.Equal(before, workspace.Entries());
        return error.Trim();
    }

    [Fact]
    public void NotJsonNamesTheFileLineAndPosition() =>
        Assert.Contains("not valid JSON at line 1, byte", Refused("""{"input_ids": [[3, 4]"""));

    [Fact]
    public void ATopLevelArraySaysAnObjectWasExpected() =>
        Assert.Contains("the top level is an array; expected a JSON object with \"input_ids\"", Refused("[[3, 5, 4]]"));

    [Fact]
    public void AnAttentionMaskValueOtherThan0Or1NamesRowAndPosition() =>
        Assert.Contains("'attention_mask' holds 2 at row 1, position 2; only 0 (padding) and 1 (token) are allowed",
            Refused("""{"input_ids": [[3, 5, 4], [3, 6, 4]], "attention_mask": [[1, 1, 1], [1, 1, 2]]}"""));

    [Fact]
    public void ANegativeAttentionMaskValueIsRefused() =>
        Assert.Contains("'attention_mask' holds -1 at row 0, position 0",
            Refused("""{"input_ids": [[3, 5, 4]], "attention_mask": [[-1, 1, 1]]}"""));

    [Fact]
    public void AnUnknownKeyIsNamed() =>
        Assert.Contains("unknown key 'input_id'", Refused("""{"input_ids": [[3, 4]], "input_id": [[3, 4]]}"""));

    [Fact]
    public void ADuplicateKeyIsRefused() =>
        Assert.Contains("input_ids", Refused("""{"input_ids": [[3, 4]], "input_ids": [[5, 6]]}"""));

    [Fact]
    public void AnIdOutsideTheVocabularyNamesTheFileAndValue() =>
        Assert.Contains($"input_ids holds 999, outside [0, {TinyModels.Vocab})", Refused("""{"input_ids": [[3, 999, 4]]}"""));

    [Fact]
    public void AnEmptyBatchIsRefused() => Refused("""{"input_ids": [[]]}""");

    [Fact]
    public void ANumberTooLargeForAnIdIsRefused() =>
        Assert.Contains("holds 1e400 where an integer is expected", Refused("""{"input_ids": [[3, 1e400, 4]]}"""));

    [Fact]
    public void AUtf8BomIsAccepted()
    {
        string inputs = workspace.PathOf("bom.json");
        File.WriteAllBytes(inputs, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(HostileWorkspace.ValidInputs)]);
        string output = workspace.PathOf("out.json");

        var (code, error) = ConsoleRedirection.RunMain(workspace.Forward(inputs, output));

        Assert.True(code == ExitCodes.Success, error);
        Assert.True(JsonDocument.Parse(File.ReadAllText(output)).RootElement.TryGetProperty("last_hidden_state", out _));
    }

    /// <summary>A NaN or infinite weight makes every output non-finite: written as the strings "NaN"/"Infinity"/"-Infinity" (README, CLI).</summary>
    [Fact]
    public void NonFiniteOutputsAreWrittenAsNamedStrings()
    {
        string checkpoint = workspace.PathOf("nan-checkpoint");
        using (var model = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model))
        {
            using (torch.no_grad())
            {
                model.named_parameters().First(p => p.name == "embeddings.LayerNorm.bias").parameter[0] = torch.tensor(float.NaN);
            }
            model.SavePretrained(checkpoint);
        }
        string output = workspace.PathOf("out.json");

        var (code, error) = ConsoleRedirection.RunMain(["forward", "--model", checkpoint, "--inputs", workspace.Write("in.json", HostileWorkspace.ValidInputs), "--output", output]);

        Assert.True(code == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        var hidden = json.RootElement.GetProperty("last_hidden_state").GetProperty("data").EnumerateArray().ToList();
        Assert.All(hidden, value => Assert.Equal("NaN", value.GetString()));
        var read = JsonSerializer.Deserialize<float[]>(json.RootElement.GetProperty("pooler_output").GetProperty("data").GetRawText(),
            new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals })!;
        Assert.All(read, value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void TheWriterNamesEveryNonFiniteValue()
    {
        using var values = torch.tensor(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.5f }, [2, 2]);
        using var stream = new MemoryStream();

        Cli.Commands.ForwardOutputWriter.Write(stream, [("logits", values)], CancellationToken.None);

        Assert.Equal("""{"logits":{"shape":[2,2],"data":["NaN","Infinity","-Infinity",1.5]}}""", Encoding.UTF8.GetString(stream.ToArray()));
    }
}
