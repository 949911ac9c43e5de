using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;

namespace Serving;

/// <summary>
/// The two zips under load, made once into the work directory: the intent classifier fine-tuned from the embedded
/// default model (as samples/MLNetPipelines/TextClassification trains it, one short epoch: its accuracy does not matter
/// here), and the same pipeline on a 4-layer model of google/rembert's width (hidden 1152, 18 heads, intermediate 4608;
/// the default model's vocabulary), trained one step from random weights.
/// </summary>
internal static class BenchmarkZips
{
    public sealed class Row
    {
        [LoadColumn(0)] public string Label { get; set; } = "";
        [LoadColumn(1)] public string Sentence1 { get; set; } = "";
    }

    public static string Intent(string directory) => Make(Path.Combine(directory, "intent-default.zip"), rows: 64, options =>
    {
        options.Model = RemBertDefaultModel.Directory;
    });

    public static string Wide(string directory) => Make(Path.Combine(directory, "intent-4-layer-full-width.zip"), rows: 16, options =>
    {
        string tokenizer = RemBertDefaultModel.Directory;
        int vocabulary = RemBertTokenizer.FromPretrained(tokenizer).SentencePiece.VocabularySize;
        options.Config = RemBertConfig.GoogleRemBert() with { NumHiddenLayers = 4, VocabSize = vocabulary, Architectures = null };
        options.Tokenizer = tokenizer;
    });

    /// <summary>The test sentences the clients send, in every language of the sample.</summary>
    public static string[] Sentences() => File.ReadLines(DataFile("intents.test.tsv")).Skip(1).Select(line => line.Split('\t')[1]).ToArray();

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    private static string Make(string path, int rows, Action<RemBertTextClassificationOptions> configure)
    {
        if (File.Exists(path))
        {
            Console.WriteLine($"Using {path} ({new FileInfo(path).Length / 1e6:F1} MB).");
            return path;
        }
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromTextFile<Row>(DataFile("intents.train.tsv"), separatorChar: '\t', hasHeader: true, allowQuoting: false);
        data = mlContext.Data.TakeRows(mlContext.Data.ShuffleRows(data, seed: 1), rows);
        var options = new RemBertTextClassificationOptions { MaxEpochs = 1, BatchSize = 16, MaxSequenceLength = 48, LearningRate = 2e-4, Seed = 1, Device = "cpu" };
        configure(options);
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.MulticlassClassification.Trainers.RemBert(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        mlContext.Model.SaveAtomically(model, data.Schema, path);
        (model as IDisposable)?.Dispose();
        Console.WriteLine($"Made {path} ({new FileInfo(path).Length / 1e6:F1} MB).");
        return path;
    }
}
