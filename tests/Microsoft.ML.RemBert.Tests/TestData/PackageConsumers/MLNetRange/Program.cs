// An app that references Microsoft.ML.RemBert with one Microsoft.ML of the range the package declares (and the
// Microsoft.ML.OnnxConverter that pairs with it). Built (TreatWarningsAsErrors) and run outside the repository by
// PackageConsumerTests, once per end of the range, which compares the lines it prints.
//   train <tokenizer .model> <scratch>: trains a tiny classifier, saves scratch/model.zip, prints its scores and
//                                       exports scratch/model.onnx with ConvertToOnnx.
//   predict <scratch>:                  in a new process, loads scratch/model.zip and prints its scores.
// Any exception ends it with a non-zero exit code, which fails the test.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 1);
string scratch = args[^1], zip = Path.Combine(scratch, "model.zip");
var rows = new[] { ("good movie", "pos"), ("bad film", "neg"), ("très bon film", "pos"), ("schlechter Film", "neg") }
    .Select(r => new Row { Sentence1 = r.Item1, Label = r.Item2 }).ToArray();
var data = ml.Data.LoadFromEnumerable(rows);
string loaded = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
Console.WriteLine($"microsoft.ml: {loaded}");

if (args[0] == "train")
{
    string checkpoint = TinyCheckpoint.Write(Path.Combine(scratch, "tiny-rembert"), args[1]);
    var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    var model = ml.MulticlassClassification.Trainers.RemBert(model: checkpoint, maxEpochs: 1).Fit(keyed);
    ml.Model.Save(model, keyed.Schema, zip);
    PrintScores("trained", model.Transform(data));

    string onnx = Path.Combine(scratch, "model.onnx");
    using (var stream = File.Create(onnx))
        ml.Model.ConvertToOnnx(model, ml.Data.LoadFromEnumerable(new[] { new Row() }), stream);
    Console.WriteLine($"onnx: {(new FileInfo(onnx).Length > 1000 ? "written" : "too small")}");
}
else
{
    var model = ml.Model.Load(zip, out _);
    PrintScores("reloaded", model.Transform(data));
}

void PrintScores(string what, IDataView scored) =>
    Console.WriteLine($"scores {what}: {string.Join(" ", scored.GetColumn<float[]>("Score").SelectMany(s => s).Select(s => s.ToString("R")))}");

sealed class Row
{
    public string Sentence1 { get; set; } = "";
    public string Label { get; set; } = "";
}
