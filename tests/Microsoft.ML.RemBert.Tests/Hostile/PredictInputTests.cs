using System.Text;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// <c>rembert predict</c> given a damaged model zip, a ragged data file or repeated columns (issue 7, items 5, 8, 9):
/// exit code, one line naming the file (and entry), and the existing output untouched.
/// </summary>
[Collection(ConsoleRedirection.Name)]
public sealed class PredictInputTests : IDisposable
{
    private const string OldOutput = "previous predictions\n";
    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    private string Model => model ??= PredictFixture.SaveTokenizerZip(workspace.PathOf("model.zip"));
    private string? model;

    private string GoodTsv => workspace.Write("in.tsv", "Pair\tText\nun\tone\ndeux\ttwo\n");

    private string Output => File.Exists(workspace.PathOf("out.jsonl")) ? workspace.PathOf("out.jsonl") : workspace.Write("out.jsonl", OldOutput);

    /// <summary>Runs predict; asserts the exit code, a single line, and that nothing at the output changed.</summary>
    private string Run(int expectedCode, string modelPath, string input, params string[] extra)
    {
        string output = Output;
        var before = workspace.Entries();
        var (code, error) = ConsoleRedirection.RunMain(["predict", "--model", modelPath, "--input", input, "--output", output, .. extra]);
        Assert.True(code == expectedCode, $"exit {code}: {error}");
        Assert.Equal(OldOutput, File.ReadAllText(output));
        Assert.Equal(before, workspace.Entries());
        if (expectedCode == ExitCodes.BadInput) Assert.Single(error.TrimEnd().Split('\n'));
        return error.Trim();
    }

    [Fact]
    public void AFileThatIsNotAZipIsNamed()
    {
        string notZip = workspace.Write("model.zip", "this is not a zip");
        Assert.StartsWith($"rembert predict: {notZip}: not a readable ML.NET model zip (", Run(ExitCodes.BadInput, notZip, GoodTsv));
    }

    [Fact]
    public void ATruncatedZipIsNamed()
    {
        byte[] whole = File.ReadAllBytes(Model);
        string truncated = workspace.PathOf("truncated.zip");
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        Assert.StartsWith($"rembert predict: {truncated}: not a readable ML.NET model zip (", Run(ExitCodes.BadInput, truncated, GoodTsv));
    }

    [Fact]
    public void AHugeMaxSequenceLengthInModelKeyNamesTheEntryAndValue()
    {
        string entry = PredictFixture.SetMaxSequenceLength(Model, int.MaxValue);
        string error = Run(ExitCodes.BadInput, Model, GoodTsv);
        Assert.Contains($"ML.NET model entry '{entry}'", error);
        Assert.Contains("MaxSequenceLength 2147483647 is more than the 65536 supported", error);
    }

    [Fact]
    public void ARaggedTsvRowIsNamedByLine()
    {
        string input = workspace.Write("ragged.tsv", "Pair\tText\nun\tone\njust one field\ndeux\ttwo\n");
        Assert.Equal($"rembert predict: {input}: line 3 has 1 fields; the header has 2.", Run(ExitCodes.BadInput, Model, input));
    }

    [Fact]
    public void ACsvRowWithAnExtraFieldIsNamedByLine()
    {
        string input = workspace.Write("ragged.csv", "Pair,Text\n\"a, quoted\nfield\",one\nb,two,three\n");
        Assert.Equal($"rembert predict: {input}: line 4 has 3 fields; the header has 2.", Run(ExitCodes.BadInput, Model, input));
    }

    [Fact]
    public void RepeatedColumnsAreAUsageErrorNamingTheColumn()
    {
        string error = Run(ExitCodes.UsageError, Model, GoodTsv, "--columns", "InputIds", "InputIds");
        Assert.Contains("--columns names 'InputIds' more than once", error);
    }

    [Fact]
    public void JsonLinesWithAUtf8BomAreAccepted()
    {
        string input = workspace.PathOf("in.jsonl");
        File.WriteAllBytes(input, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"Text\":\"one\",\"Pair\":\"un\"}\n")]);
        string output = workspace.PathOf("bom-out.jsonl");

        var (code, error) = ConsoleRedirection.RunMain(["predict", "--model", Model, "--input", input, "--output", output]);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Single(File.ReadAllLines(output));
    }
}
