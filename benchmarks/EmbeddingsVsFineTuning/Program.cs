// RemBERT as a featurizer against fine-tuning, on the intent data of samples/MLNetPipelines (315 training, 135
// held-out requests, 5 intents, 9 languages), from the embedded default model:
//   1. RemBertEmbeddings (mean pooling, L2-normalised) feeding SdcaMaximumEntropy, then LbfgsMaximumEntropy;
//   2. fine-tuning (the TextClassification sample's own trainer options and pipeline);
//   3. semantic search: the training sentences nearest a query, queries in other languages than their neighbours.
// Prints one table (held-out accuracy, training time) and the search results; every number is measured here.
//   dotnet run -c Release --project benchmarks/EmbeddingsVsFineTuning [-- --epochs N] [-- --model DIR|HUB_ID]
//   ... -- --no-fine-tuning      the embedding rows and the search only (seconds: for a loaded machine)
using System.Diagnostics;
using System.Globalization;
using MLNetPipelines.Common;
using MLNetPipelines.TextClassification;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.Transforms;

bool fineTune = !args.Contains("--no-fine-tuning");
var arguments = SampleArguments.Parse(args.Where(arg => arg != "--no-fine-tuning").ToArray(), Path.Combine(Path.GetTempPath(), $"embeddings-vs-finetuning-{Environment.ProcessId}.zip"));
var mlContext = new MLContext(seed: 1);
var training = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TrainingFile));
var test = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TestFile));
var embeddingOptions = new RemBertEmbeddingsOptions { Model = arguments.Model, MaxSequenceLength = 48, Device = arguments.Device };
Console.WriteLine($"Intent data: {Count(training)} training rows, {Count(test)} held-out rows; model: {arguments.Model ?? "the embedded default"}; " +
                  $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

var rows = new List<(string Method, double Accuracy, double Macro, TimeSpan Time, TimeSpan Cpu)>();
var process = System.Diagnostics.Process.GetCurrentProcess();
TimeSpan CpuTime() { process.Refresh(); return process.TotalProcessorTime; }

// The embeddings are computed once per data set and cached, as a pipeline of a featurizer and a linear trainer is
// trained; the time reported includes embedding the training rows.
foreach (var (name, trainer) in new (string, Func<IEstimator<ITransformer>>)[]
{
    ("RemBertEmbeddings + SdcaMaximumEntropy", () => mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features")),
    ("RemBertEmbeddings + LbfgsMaximumEntropy", () => mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Features")),
})
{
    var clock = Stopwatch.StartNew();
    var cpu = CpuTime();
    var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
        .Append(mlContext.Transforms.Text.RemBertEmbeddings("Features", "Sentence1", embeddingOptions))
        .AppendCacheCheckpoint(mlContext)
        .Append(trainer())
        .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    var model = pipeline.Fit(training);
    var time = clock.Elapsed;
    var cpuTime = CpuTime() - cpu;
    var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
    rows.Add((name, metrics.MicroAccuracy, metrics.MacroAccuracy, time, cpuTime));
    Console.WriteLine($"{name}: accuracy {metrics.MicroAccuracy:F3}, trained in {time.TotalSeconds:F1} s (CPU {cpuTime.TotalSeconds:F1} s)");
    (model as IDisposable)?.Dispose();
}

if (fineTune)
{
    var options = IntentModel.TrainerOptions(arguments, CancellationToken.None);
    options.Progress = null;
    var clock = Stopwatch.StartNew();
    var cpu = CpuTime();
    var model = IntentModel.Train(mlContext, training, options);
    var time = clock.Elapsed;
    var cpuTime = CpuTime() - cpu;
    var metrics = IntentModel.Evaluate(mlContext, model, test);
    string name = $"fine-tuning RemBERT ({options.MaxEpochs} epochs)";
    rows.Add((name, metrics.MicroAccuracy, metrics.MacroAccuracy, time, cpuTime));
    Console.WriteLine($"{name}: accuracy {metrics.MicroAccuracy:F3}, trained in {time.TotalSeconds:F1} s (CPU {cpuTime.TotalSeconds:F1} s)");
    (model as IDisposable)?.Dispose();
}

Console.WriteLine();
Console.WriteLine($"Load average after training: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (wall times on a loaded machine are long; CPU time is the process's own).");
Console.WriteLine("| method | held-out accuracy | macro accuracy | training wall time | training CPU time |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var (method, accuracy, macro, time, cpuTime) in rows)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {method} | {accuracy:F3} | {macro:F3} | {time.TotalSeconds:F1} s | {cpuTime.TotalSeconds:F1} s |"));

// Semantic search: the training sentences nearest each query by cosine similarity (a dot product: the vectors are
// L2-normalised). Then, over all held-out requests, how often the nearest training sentence in another language has
// the same intent (cross-lingual retrieval; chance is 0.200).
Console.WriteLine();
using var embedder = mlContext.Transforms.Text.RemBertEmbeddings("Embedding", "Sentence1", embeddingOptions).Fit(training);
var corpus = Embedded(mlContext, embedder, training);
foreach (var query in new[] { "Wie wird das Wetter morgen in Berlin?", "明日の朝7時にアラームをセットして", "Quiero escuchar algo de jazz" })
{
    var vector = Embedded(mlContext, embedder, mlContext.Data.LoadFromEnumerable([new IntentModel.ModelInput { Sentence1 = query }]))[0].Vector;
    Console.WriteLine($"Query: {query}");
    foreach (var (row, similarity) in corpus.Select(row => (row, Dot(vector, row.Vector))).OrderByDescending(pair => pair.Item2).Take(5))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {similarity:F3}  [{row.Language}] {row.Label,-10} {row.Text}"));
}
var queries = Embedded(mlContext, embedder, test);
double sameIntent = queries.Average(query => corpus.Where(row => row.Language != query.Language)
    .MaxBy(row => Dot(query.Vector, row.Vector))!.Label == query.Label ? 1.0 : 0.0);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Cross-lingual retrieval: the nearest training sentence in another language has the held-out request's intent for {sameIntent:F3} of {queries.Length} requests (chance 0.200)."));
return 0;

static long Count(IDataView data) => data.GetColumn<string>("Label").LongCount();

static float Dot(float[] a, float[] b)
{
    float sum = 0;
    for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
    return sum;
}

static EmbeddedRow[] Embedded(MLContext mlContext, ITransformer embedder, IDataView data)
{
    var scored = embedder.Transform(data);
    return scored.GetColumn<string>("Sentence1").Zip(scored.GetColumn<string>("Label"), scored.GetColumn<string>("Language"))
        .Zip(scored.GetColumn<float[]>("Embedding"), (row, vector) => new EmbeddedRow(row.First, row.Second, row.Third, vector)).ToArray();
}

internal sealed record EmbeddedRow(string Text, string Label, string Language, float[] Vector);
