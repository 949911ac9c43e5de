using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>
/// The model a service ships: the intent pipeline of the TextClassification sample (MapValueToKey, the RemBERT text
/// classifier fine-tuned from the embedded default model, MapKeyToValue), trained briefly and saved as a zip once for
/// the test class. Its RemBERT model is the default model's size (14.5 MB of weights, an 8,000-row embedding).
/// </summary>
public sealed class ServingModelFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rembert-serving-").FullName;
    private readonly Lazy<string> _zip;

    public ServingModelFixture() => _zip = new Lazy<string>(Train);

    /// <summary>The saved zip (trained on first use; call <c>DefaultModelWeights.SkipIfMissing</c> first).</summary>
    public string ZipPath => _zip.Value;

    private string Train()
    {
        var mlContext = new MLContext(seed: 1);
        return SaveIntentPipeline(mlContext, new RemBertTextClassificationOptions
        {
            Model = RemBertDefaultModel.Directory,
            LabelColumnName = "Label",
            Sentence1ColumnName = nameof(KeywordData.IntentRow.Sentence1),
            MaxEpochs = 1,
            BatchSize = 16,
            MaxSequenceLength = 24,
            Seed = 1,
            Device = "cpu",
        }, Path.Combine(_directory, "intents.zip"));
    }

    /// <summary>
    /// Fits the TextClassification sample's pipeline (MapValueToKey, the RemBERT trainer with <paramref name="options"/>,
    /// MapKeyToValue) on 48 intent rows, saves it to <paramref name="path"/> and disposes it; returns the path.
    /// </summary>
    internal static string SaveIntentPipeline(MLContext mlContext, RemBertTextClassificationOptions options, string path)
    {
        var data = mlContext.Data.LoadFromEnumerable(KeywordData.IntentRows(48, seed: 1));
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.MulticlassClassification.Trainers.RemBert(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        mlContext.Model.Save(model, data.Schema, path);
        model.Dispose();
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
