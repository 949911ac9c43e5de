using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using ModelThroughput;
using TorchSharp;

// Our TorchSharp forward against ONNX Runtime on our own export of the same weights (issue 12). Each engine is timed
// alone in a fresh child process: libtorch's and ONNX Runtime's thread pools steal each other's cores when they
// share one. Usage: OnnxComparison [--quick] [--repeats N]; a child: OnnxComparison --child ENGINE DIR BATCH SEQ REPEATS.
if (args is ["--child", var engine, var directory, var batchText, var sequenceText, var repeatsText])
{
    int batch = int.Parse(batchText, CultureInfo.InvariantCulture), sequence = int.Parse(sequenceText, CultureInfo.InvariantCulture);
    double seconds = engine == "torch-fp32"
        ? Engines.TorchSeconds(directory, batch, sequence, int.Parse(repeatsText, CultureInfo.InvariantCulture))
        : Engines.OrtSeconds(Path.Combine(directory, engine == "ort-int8" ? "model.int8.onnx" : "model.onnx"), batch, sequence, int.Parse(repeatsText, CultureInfo.InvariantCulture));
    Console.WriteLine($"seconds={seconds.ToString("R", CultureInfo.InvariantCulture)}");
    return 0;
}

bool quick = args.Contains("--quick");
int repeats = args.SkipWhile(arg => arg != "--repeats").Skip(1).Select(int.Parse).FirstOrDefault(quick ? 2 : 8);
var sizes = quick
    ? new[] { ("tiny (quick mode)", new RemBertConfig { VocabSize = 1000, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, InputEmbeddingSize = 32, OutputEmbeddingSize = 32, IntermediateSize = 128, MaxPositionEmbeddings = 256 }) }
    : new[] { ("4-layer full-width", RemBertConfig.GoogleRemBert() with { NumHiddenLayers = 4 }), ("full-size (32 layers)", RemBertConfig.GoogleRemBert()) };
(int Batch, int Sequence)[] shapes = [(8, 128), (1, 32)];
string[] engines = ["torch-fp32", "ort-fp32", "ort-int8"];

Console.WriteLine($"OnnxComparison: best of {repeats} forwards per engine, each engine alone in its own process, {Environment.ProcessorCount} cores");
Console.WriteLine("our bf16 forward: column left out (the bfloat16 precision option is not on this branch)");
Console.WriteLine();
Console.WriteLine("| model | batch | torch fp32 tok/s | ORT fp32 tok/s | ORT int8 tok/s | torch / ORT fp32 | int8 / ORT fp32 |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
foreach (var (name, config) in sizes)
{
    string workDirectory = Directory.CreateTempSubdirectory("rembert-onnx-comparison-").FullName;
    try
    {
        string? onnxProblem = Engines.Prepare(config with { NumLabels = 2, Architectures = [RemBertArchitectures.ForSequenceClassification] }, workDirectory);
        foreach (var (batch, sequence) in shapes)
        {
            var rates = engines.ToDictionary(engine => engine, engine =>
            {
                if (engine != "torch-fp32" && onnxProblem is not null)
                    return (double?)null;
                var values = ChildProbe.Run($"{engine} {name} {batch}x{sequence}", "--child", engine, workDirectory,
                    batch.ToString(CultureInfo.InvariantCulture), sequence.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture));
                return values is null ? null : batch * sequence / double.Parse(values["seconds"], CultureInfo.InvariantCulture);
            });
            string Rate(double? rate) => rate is double value ? value.ToString("N0", CultureInfo.InvariantCulture) : "n/a";
            string Ratio(double? rate) => rate is double value && rates["ort-fp32"] is double baseline ? (value / baseline).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
            Console.WriteLine($"| {name} | {batch} x {sequence} | {Rate(rates["torch-fp32"])} | {Rate(rates["ort-fp32"])} | {Rate(rates["ort-int8"])} | {Ratio(rates["torch-fp32"])} | {Ratio(rates["ort-int8"])} |");
        }
        if (onnxProblem is not null)
            Console.WriteLine($"  ({name}: no ONNX export: {onnxProblem})");
    }
    finally
    {
        Directory.Delete(workDirectory, recursive: true);
    }
}
return 0;

/// <summary>The two engines' timed loops and the preparation of their shared weights.</summary>
internal static class Engines
{
    /// <summary>
    /// Writes a randomly initialised classifier (seed 1) as a transformers checkpoint and as fp32 and int8 ONNX
    /// exports into <paramref name="directory"/>; returns why the model has no export, or null.
    /// </summary>
    public static string? Prepare(RemBertConfig config, string directory)
    {
        torch.manual_seed(1);
        var model = new RemBertForSequenceClassification(config);
        model.eval();
        model.SavePretrained(directory);
        var mlContext = new MLContext(seed: 1);
        // The tokenizer only completes the transformer: the benchmark feeds ids.
        var tokenizer = RemBertTokenizer.FromPretrained(Path.Combine(AppContext.BaseDirectory, "tiny-unigram.model"));
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, config.MaxPositionEmbeddings), model, new BinaryHead("Score", "Probability", "PredictedLabel"));
        using var transformer = new RemBertBinaryClassificationTransformer(mlContext, task, inferenceBatchSize: 8);
        var schema = mlContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") });
        try
        {
            using (var stream = File.Create(Path.Combine(directory, "model.onnx")))
                mlContext.Model.ConvertToOnnx(transformer, schema, stream);
            using (var stream = File.Create(Path.Combine(directory, "model.int8.onnx")))
                mlContext.Model.ConvertToOnnx(transformer.ForOnnxExport(new RemBertOnnxExportOptions { QuantizeInt8 = true }), schema, stream);
            return null;
        }
        catch (NotSupportedException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Best seconds per forward of our TorchSharp model (eval, no_grad, fp32) after one warm-up.</summary>
    public static double TorchSeconds(string directory, int batch, int sequence, int repeats)
    {
        using var model = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(directory);
        model.eval();
        using var noGrad = torch.no_grad();
        var ids = Inputs(batch, sequence);
        using var inputIds = torch.tensor(ids, [batch, sequence]);
        using var mask = torch.ones(batch, sequence, dtype: torch.int64);
        using var types = torch.zeros(batch, sequence, dtype: torch.int64);
        return Best(repeats, () =>
        {
            using var scope = torch.NewDisposeScope();
            _ = model.forward(inputIds, mask, types).Logits[0, 0].item<float>();
        });
    }

    /// <summary>Best seconds per run of ONNX Runtime (default CPU session options) on the same ids.</summary>
    public static double OrtSeconds(string onnx, int batch, int sequence, int repeats)
    {
        using var session = new InferenceSession(onnx);
        var ids = Inputs(batch, sequence);
        var inputs = session.InputMetadata.Keys.Select(name => name switch
        {
            "InputIds" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(ids, [batch, sequence])),
            "AttentionMask" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(Enumerable.Repeat(1L, batch * sequence).ToArray(), [batch, sequence])),
            "TokenTypeIds" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(new long[batch * sequence], [batch, sequence])),
            _ => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(Enumerable.Repeat("", batch).ToArray(), [batch, 1])),
        }).ToList();
        return Best(repeats, () =>
        {
            using var results = session.Run(inputs, ["Score.output"]);
        });
    }

    /// <summary>The same seeded ids for both engines, below 1,000 so they exist in every vocabulary built here.</summary>
    private static long[] Inputs(int batch, int sequence)
    {
        var random = new Random(7);
        return Enumerable.Range(0, batch * sequence).Select(_ => (long)random.Next(5, 1000)).ToArray();
    }

    private static double Best(int repeats, Action forward)
    {
        forward(); // warm-up
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            forward();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}

internal sealed record SentenceRow(string Sentence1);
