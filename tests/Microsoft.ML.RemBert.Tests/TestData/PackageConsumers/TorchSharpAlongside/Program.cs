// An app that references both Microsoft.ML.TorchSharp 0.24.0 and Microsoft.ML.RemBert (so TorchSharp 0.107.0).
// Built and run outside the repository by PackageConsumerTests, which asserts the lines it prints; any exception
// outside the one try block ends it with a non-zero exit code, which fails the test.
// Arguments: the SentencePiece .model to tokenize with, and a scratch directory.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;
using Microsoft.ML.TorchSharp;
using TorchSharp;

string tokenizerModel = args[0], scratch = args[1];
var ml = new MLContext(seed: 1) { TempFilePath = Path.Combine(scratch, "mlnet-temp") };
var rows = new[] { ("good movie", "pos"), ("bad film", "neg"), ("très bon film", "pos"), ("schlechter Film", "neg") }
    .Select(r => new Row { Sentence1 = r.Item1, Label = r.Item2 }).ToArray();
IDataView data = ml.Data.LoadFromEnumerable(rows);

// ML.NET's TextClassification pipeline: constructing it needs no weights.
var mlnetTrainer = ml.MulticlassClassification.Trainers.TextClassification(sentence1ColumnName: "Sentence1", batchSize: 2, maxEpochs: 1);
var mlnetPipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(mlnetTrainer)
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
Console.WriteLine($"mlnet-pipeline: {mlnetTrainer.GetType().Name}");

// Fit needs NasBert2000000.tsm. Offline, ML.NET tries to download it (5 tries, then "model file could not be
// downloaded!"); a file already at <TempFilePath>/mlnet/ is used instead. To show what a user with the real file
// gets, without the network, write a stand-in there: the same tensors (names, shapes) with random values, saved from
// Microsoft.ML.TorchSharp's own (internal) model class.
WriteNasBertStandIn(ml, Path.Combine(ml.TempFilePath, "mlnet", "NasBert2000000.tsm"));
try
{
    mlnetPipeline.Fit(data);
    Console.WriteLine("mlnet-fit: ok");
}
catch (Exception e)
{
    Console.WriteLine($"mlnet-fit: {e.GetType().Name}: {e.Message}");
}

// Ours, in the same process and on the same TorchSharp: the tokenizer transform, then a tiny RemBERT saved as a
// checkpoint directory (with the tokenizer beside it, the layout the trainer reads) and a forward pass.
string checkpoint = TinyCheckpoint.Write(Path.Combine(scratch, "tiny-rembert"), tokenizerModel);

var ours = ml.Transforms.Text.TokenizeForRemBert(checkpoint, inputColumnName: "Sentence1", maxSequenceLength: 16);
// Our trainer fits beside Microsoft.ML.TorchSharp (an exception here exits non-zero and fails the test).
Console.WriteLine($"ours-trainer: {ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RemBert(model: checkpoint, maxEpochs: 1)).Fit(data).Transform(data).Schema["PredictedLabel"].Type}");
var tokenized = ours.Fit(data).Transform(data);
var ids = tokenized.GetColumn<long[]>("InputIds").ToArray();
var mask = tokenized.GetColumn<long[]>("AttentionMask").ToArray();
Console.WriteLine($"ours-tokenizer: {ids.Length}x{ids[0].Length}");

using var model = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(checkpoint, torch.CPU);
model.eval();
using (torch.NewDisposeScope())
using (torch.no_grad())
{
    var logits = model.forward(torch.tensor(ids.SelectMany(r => r).ToArray(), ids.Length, ids[0].Length),
        torch.tensor(mask.SelectMany(r => r).ToArray(), ids.Length, ids[0].Length)).Logits;
    Console.WriteLine($"ours-forward: {string.Join("x", logits.shape)} finite={logits.isfinite().all().item<bool>()}");
}

// Both libraries bound to one TorchSharp: the assembly loaded once, at the version our package asks for.
var torchSharps = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "TorchSharp").Select(a => a.GetName().Version);
Console.WriteLine($"torchsharp: {string.Join(",", torchSharps)}");

static void WriteNasBertStandIn(MLContext ml, string path)
{
    var assembly = typeof(TorchSharpCatalog).Assembly;
    const BindingFlags Any = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    var extensions = assembly.GetType("Microsoft.ML.TorchSharp.Extensions.TokenizerExtensions", throwOnError: true)!;
    using var channel = ((IHostEnvironment)ml).Start("stand-in");
    var tokenizer = extensions.GetMethod("GetInstance", Any)!.Invoke(null, new object[] { channel })!;
    var vocabulary = extensions.GetMethod("RobertaModel", Any)!.Invoke(null, new[] { tokenizer })!;
    var modelType = assembly.GetType("Microsoft.ML.TorchSharp.NasBert.Models.ModelForPrediction", throwOnError: true)!;
    var model = (torch.nn.Module)Activator.CreateInstance(modelType, Any, null, new[]
    {
        new Microsoft.ML.TorchSharp.NasBert.TextClassificationTrainer.TextClassificationOptions(),
        vocabulary.GetType().GetProperty("PadIndex")!.GetValue(vocabulary)!,
        vocabulary.GetType().GetProperty("SymbolsCount")!.GetValue(vocabulary)!,
        2,
    }, null)!;
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    ((torch.nn.Module)modelType.GetMethod("GetEncoder")!.Invoke(model, null)!).save(path);
}

sealed class Row
{
    public string Sentence1 { get; set; } = "";
    public string Label { get; set; } = "";
}
