using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Apply;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Export;

/// <summary>
/// <c>SaveAsPretrained</c> and <c>rembert export</c>: zip → transformers directory → <c>ApplyRemBertModel</c> gives
/// identical scores; the directory holds transformers' files, key names and labels; the export is atomic; and the
/// exported head's forward equals the PyTorch reference code (when Debian's python3-torch is installed).
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class SaveAsPretrainedTests : MLNetFileTestBase
{
    public static TheoryData<string> Fixtures => new() { "seqcls", "tokcls", "qa", "mc" };

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public void ZipToDirectoryToApplyRemBertModelGivesIdenticalScores(string fixture)
    {
        var reference = ReferenceOutputs.Load();
        var data = Data(fixture, reference);
        var zipped = SaveAndLoad(MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = ReferenceOutputs.Checkpoint(fixture) }).Fit(data), data);
        var expected = Scores(zipped, data);

        string directory = Path.Combine(TempDirectory, fixture);
        Assert.IsAssignableFrom<RemBertScoringTransformer>(zipped).SaveAsPretrained(directory);

        Assert.Equal(["config.json", "model.safetensors", "sentencepiece.model", "special_tokens_map.json", "tokenizer_config.json"],
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var reapplied = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = directory }).Fit(data);
        Assert.Equal(zipped.GetType(), reapplied.GetType());
        Assert.Equal(expected, Scores(reapplied, data));

        // The fixture's own config and weights come back: same architecture and labels, same keys, same values.
        var original = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReferenceOutputs.Checkpoint(fixture), "config.json"))).RootElement;
        var exported = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json"))).RootElement;
        Assert.Equal(original.GetProperty("architectures").GetRawText(), exported.GetProperty("architectures").GetRawText());
        if (original.TryGetProperty("id2label", out var labels))
            Assert.Equal(labels.EnumerateObject().Select(p => (p.Name, p.Value.GetString())), exported.GetProperty("id2label").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        using var originalWeights = CheckpointReader.Open(ReferenceOutputs.Checkpoint(fixture));
        using var exportedWeights = CheckpointReader.Open(directory);
        var originalKeys = originalWeights.Keys.Where(key => key != CheckpointLoadOptions.LegacyPositionIdsKey && !key.EndsWith(".position_ids", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(originalKeys, exportedWeights.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TrainedClassifierExportsItsLabelsAndScoresIdenticallyWhenApplied()
    {
        var data = TinyTraining.KeyedIntents(MLContext, 24, seed: 3);
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 1;
        using var trained = MLContext.MulticlassClassification.Trainers.RemBert(options).Fit(data);
        var zipped = SaveAndLoad(trained, data);
        string directory = Path.Combine(TempDirectory, "trained");
        ((RemBertTextClassificationTransformer)zipped).SaveAsPretrained(directory);

        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json"))).RootElement;
        Assert.Equal("RemBertForSequenceClassification", config.GetProperty("architectures")[0].GetString());
        Assert.Equal("single_label_classification", config.GetProperty("problem_type").GetString());
        Assert.Equal(trained.LabelNames, config.GetProperty("id2label").EnumerateObject().OrderBy(p => int.Parse(p.Name)).Select(p => p.Value.GetString()));
        Assert.Equal(Enumerable.Range(0, trained.LabelNames.Count), trained.LabelNames.Select(name => config.GetProperty("label2id").GetProperty(name).GetInt32()));
        var specials = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "special_tokens_map.json"))).RootElement;
        Assert.Equal("[CLS]", specials.GetProperty("cls_token").GetString());
        Assert.Equal("[SEP]", specials.GetProperty("eos_token").GetString());

        var reapplied = Assert.IsType<RemBertTextClassificationTransformer>(MLContext.Transforms.ApplyRemBertModel(
            new RemBertApplyOptions { Model = directory, MaxSequenceLength = options.MaxSequenceLength }).Fit(data));
        Assert.Equal(trained.LabelNames, reapplied.LabelNames);
        Assert.Equal(Scores(zipped, data), Scores(reapplied, data));
        // The key values are the labels: the applied model's PredictedLabel maps back to the same names.
        Assert.Equal(Names(zipped, data), Names(reapplied, data));
    }

    [SkippableFact]
    public void ExportedHeadForwardEqualsThePyTorchReference()
    {
        Skip.IfNot(File.Exists("/usr/bin/python3") && Run("/usr/bin/python3", "-c", "import torch, sentencepiece").ExitCode == 0,
            "Debian's python3-torch and python3-sentencepiece are not installed: the PyTorch reference cannot run.");
        var reference = ReferenceOutputs.Load();
        var data = Data("seqcls", reference);
        using var applied = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = ReferenceOutputs.Checkpoint("seqcls") }).Fit(data);
        var zipped = (RemBertScoringTransformer)SaveAndLoad(applied, data);
        string directory = Path.Combine(TempDirectory, "exported");
        zipped.SaveAsPretrained(directory);

        var texts = MLContext.Data.CreateEnumerable<SentenceRow>(data, reuseRowObject: false).Select(row => row.Sentence1).ToArray();
        string rows = Path.Combine(TempDirectory, "rows.json"), output = Path.Combine(TempDirectory, "out.json");
        File.WriteAllText(rows, JsonSerializer.Serialize(new { task = "seqcls", rows = texts.Select(text => new { text }) }));
        var result = Run("/usr/bin/python3", TestPaths.TestData("PythonInterop", "head_reference.py"), directory, rows, output);
        Assert.True(result.ExitCode == 0, result.Error);
        var logits = JsonDocument.Parse(File.ReadAllText(output)).RootElement.GetProperty("rows").EnumerateArray()
            .Select(row => row.GetProperty("logits").EnumerateArray().Select(l => l.GetSingle()).ToArray()).ToArray();
        var scores = Scores(zipped, data);
        for (int i = 0; i < texts.Length; i++)
        {
            var probabilities = ReferenceOutputs.Softmax(logits[i]);
            for (int c = 0; c < probabilities.Length; c++)
                Assert.Equal(probabilities[c], scores[i][c], 1e-4f);
        }
    }

    [SkippableFact]
    public void BFloat16ZipExportsBFloat16WeightsThatScoreIdentically()
    {
        var reference = ReferenceOutputs.Load();
        var data = Data("seqcls", reference);
        using var applied = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            { Model = ReferenceOutputs.Checkpoint("seqcls"), Precision = RemBertPrecision.BFloat16 }).Fit(data);
        var zipped = (RemBertScoringTransformer)SaveAndLoad(applied, data);
        string directory = Path.Combine(TempDirectory, "bf16");
        zipped.SaveAsPretrained(directory);

        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json"))).RootElement;
        Assert.Equal("bfloat16", config.GetProperty("torch_dtype").GetString());
        using (var weights = CheckpointReader.Open(directory))
            Assert.All(weights.Keys, key => Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, weights.GetInfo(key).DType));
        using var reapplied = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            { Model = directory, Precision = RemBertPrecision.BFloat16 }).Fit(data);
        Assert.Equal(Scores(zipped, data), Scores(reapplied, data));
    }

    [SkippableFact]
    public void FailedExportLeavesTheDirectoryAsItWas()
    {
        var reference = ReferenceOutputs.Load();
        var data = Data("seqcls", reference);
        using var applied = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = ReferenceOutputs.Checkpoint("seqcls") }).Fit(data);
        string directory = Path.Combine(TempDirectory, "existing");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), "{}");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => applied.SaveAsPretrained(directory, cancelled.Token));
        Assert.Equal(["config.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(directory, "config.json")));
        Assert.Equal([directory], Directory.GetDirectories(TempDirectory));
    }

    [SkippableFact]
    public void CliExportWritesADirectoryThatPredictsAsTheZip()
    {
        var reference = ReferenceOutputs.Load();
        int[] rows = [0, 2, 4];
        string input = Path.Combine(TempDirectory, "rows.tsv");
        File.WriteAllLines(input, new[] { "Sentence1" }.Concat(rows.Select(r => reference.Texts[r])));
        var data = MLContext.Data.LoadFromTextFile(input, [new TextLoader.Column("Sentence1", DataKind.String, 0)], '\t', hasHeader: true);
        var model = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = ReferenceOutputs.Checkpoint("seqcls") })
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
        string zip = Path.Combine(TempDirectory, "model.zip"), directory = Path.Combine(TempDirectory, "exported");
        MLContext.Model.Save(model, data.Schema, zip);

        var export = RembertCli.Run("export", "--model", zip, "--output", directory);
        Assert.True(export.ExitCode == 0, export.StandardError);
        string fromZip = Path.Combine(TempDirectory, "zip.jsonl"), fromDirectory = Path.Combine(TempDirectory, "dir.jsonl");
        Assert.Equal(0, RembertCli.Run("predict", "--model", zip, "--input", input, "--output", fromZip).ExitCode);
        Assert.Equal(0, RembertCli.Run("predict", "--model", directory, "--input", input, "--output", fromDirectory).ExitCode);
        Assert.Equal(File.ReadAllLines(fromZip), File.ReadAllLines(fromDirectory));
        Assert.Equal(rows.Length, File.ReadAllLines(fromDirectory).Length);

        var notRemBert = RembertCli.Run("export", "--model", input, "--output", Path.Combine(TempDirectory, "never"));
        Assert.Equal(1, notRemBert.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(TempDirectory, "never")));
    }

    private IDataView Data(string fixture, ReferenceOutputs reference) => fixture switch
    {
        "qa" => MLContext.Data.LoadFromEnumerable(new[] { 1, 3, 5 }.Select(r => new QuestionRow { Question = reference.Text(r).Text, Context = reference.Text(r).Pair! })),
        "mc" => MLContext.Data.LoadFromEnumerable(new[] { 1, 3, 5 }.Select(r => new ChoiceRow { Prompt = reference.Text(r).Text, Choices = [reference.Text(r).Pair!, reference.Texts[0]] })),
        _ => MLContext.Data.LoadFromEnumerable(new[] { 0, 2, 4 }.Select(r => new SentenceRow { Sentence1 = reference.Text(r).Text })),
    };

    private ITransformer SaveAndLoad(ITransformer model, IDataView data)
    {
        string path = Path.Combine(TempDirectory, $"model-{Guid.NewGuid():N}.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return MLContext.Model.Load(path, out _);
    }

    private static float[][] Scores(ITransformer model, IDataView data) => model.Transform(data).GetColumn<float[]>("Score").ToArray();

    private string[] Names(ITransformer model, IDataView data)
        => MLContext.Transforms.Conversion.MapKeyToValue("Name", "PredictedLabel").Fit(model.Transform(data)).Transform(model.Transform(data)).GetColumn<string>("Name").ToArray();

    private static (int ExitCode, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            return (-1, "timed out");
        }
        return (process.ExitCode, error.Result);
    }

    private sealed class SentenceRow
    {
        public string Sentence1 { get; set; } = "";
    }

    private sealed class QuestionRow
    {
        public string Question { get; set; } = "";
        public string Context { get; set; } = "";
    }

    private sealed class ChoiceRow
    {
        public string Prompt { get; set; } = "";
        public string[] Choices { get; set; } = [];
    }
}
