using System.Text.Json;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>Saving a trained pipeline and scoring it again in a new process with <c>rembert predict</c>.</summary>
public abstract class TrainerTestBase : MLNetFileTestBase
{
    /// <summary>Saves <paramref name="model"/>, writes <paramref name="rows"/> as JSON lines, runs <c>rembert predict</c> in a child process and returns its output rows.</summary>
    protected JsonElement[] PredictInChildProcess<TRow>(ITransformer model, IDataView data, IEnumerable<TRow> rows, params string[] columns)
    {
        string zip = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        string input = Path.Combine(TempDirectory, "input.jsonl");
        File.WriteAllLines(input, rows.Select(row => JsonSerializer.Serialize(row)));
        string output = Path.Combine(TempDirectory, "output.jsonl");

        var result = RembertCli.Run(new[] { "predict", "--model", zip, "--input", input, "--output", output, "--columns" }.Concat(columns).ToArray());

        Assert.True(result.ExitCode == 0, result.StandardError);
        return File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
    }

    /// <summary>A JSON array of numbers as floats (written from floats, so exact).</summary>
    protected static float[] Floats(JsonElement element) => element.EnumerateArray().Select(value => (float)value.GetDouble()).ToArray();
}
