using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Scoring.ScoringTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>A scoring transformer saved with mlContext.Model.Save and loaded back, here and in a new process.</summary>
public sealed class ScoringPersistenceTests : MLNetFileTestBase
{
    private (string Path, TextRow[] Rows, ScoredRow[] Expected) SaveChain(int batchSize = 3)
    {
        var rows = Rows(8);
        var data = MLContext.Data.LoadFromEnumerable(rows);
        var chain = MLContext.Transforms.CopyColumns("Copy", nameof(TextRow.Text))
            .Append(new ReadyTransformerEstimator<LogitsScoringTransformer>(MLContext,
                new LogitsScoringTransformer(MLContext, CreateTask(), batchSize)))
            .Fit(data);
        string path = Path.Combine(TempDirectory, "scoring.zip");
        MLContext.Model.Save(chain, data.Schema, path);
        var expected = ReadScored(MLContext, chain.Transform(data));
        (chain.LastTransformer as IDisposable)?.Dispose();
        return (path, rows, expected);
    }

    [Fact]
    public void LoadedChainGivesIdenticalOutputsAndKeepsItsBatchSize()
    {
        var (path, rows, expected) = SaveChain(batchSize: 3);

        var loaded = MLContext.Model.Load(path, out _);
        var scored = ReadScored(MLContext, loaded.Transform(MLContext.Data.LoadFromEnumerable(rows)));

        var transformer = Assert.IsType<LogitsScoringTransformer>(Assert.IsType<TransformerChain<ITransformer>>(loaded).Last());
        Assert.Equal(3, transformer.InferenceBatchSize);
        Assert.Equal(expected.Select(r => r.Logits), scored.Select(r => r.Logits));
        Assert.Equal(expected.Select(r => r.Score), scored.Select(r => r.Score));
        transformer.Dispose();
    }

    // oneMKL's last bits depend on its thread count, which is per thread in this process (the batching engine's loops
    // set their own): the child gets the count this thread scored the expected rows with, so "identical" means identical.
    private static Dictionary<string, string> SameIntraOpThreads()
    {
        string threads = torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new() { ["OMP_NUM_THREADS"] = threads, ["MKL_NUM_THREADS"] = threads };
    }

    [Fact]
    public void NewProcessGivesIdenticalOutputs()
    {
        var (path, rows, expected) = SaveChain();
        string input = Path.Combine(TempDirectory, "rows.jsonl");
        File.WriteAllLines(input, rows.Select(row => JsonSerializer.Serialize(row)));
        string output = Path.Combine(TempDirectory, "out.jsonl");

        // rembert predict, resolving assemblies through the test assembly's deps.json so that ML.NET can load the
        // test-only transformer from the zip exactly as it loads the library's own.
        string testsDeps = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.RemBert.Tests.deps.json");
        string cli = RembertCli.FindAssembly();
        var result = DotnetProcess.Run(
            ["exec", "--depsfile", testsDeps, "--runtimeconfig", Path.ChangeExtension(cli, ".runtimeconfig.json"), cli,
             "predict", "--model", path, "--input", input, "--output", output, "--columns", LogitsScoringTask.LogitsColumnName],
            TimeSpan.FromMinutes(2), environment: SameIntraOpThreads());

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = File.ReadAllLines(output).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(expected.Select(r => r.Logits),
            lines.Select(line => line.GetProperty(LogitsScoringTask.LogitsColumnName).EnumerateArray().Select(v => v.GetSingle()).ToArray()));
    }
}
