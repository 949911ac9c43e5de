using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tests.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Transforms.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// The sentence trainers' default, text-in export: text column(s) in, the tokenizer inside the graph (ONNX Runtime
/// Extensions' SentencePiece operator), scores out. Trained on the fixtures' multilingual lines with its 8k Unigram
/// tokenizer and a MaxSequenceLength that truncates the long lines; the graph's scores equal the zip's within 1e-4
/// through ONNX Runtime (the rows as one batch and one by one) and through ML.NET's ApplyOnnxModel.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class TextInputTrainerExportTests(ITestOutputHelper output) : MLNetFileTestBase
{
    private const int MaxSequenceLength = 24;

    private static readonly string[] Lines = SentencePieceFixtures.ReadLines(TestPaths.Fixture("sentencepiece", "lines.txt"));

    private static readonly string TokenizerDirectory = TestPaths.Fixture("rembert-reference", "seqcls");

    [Fact]
    public void MulticlassTextInExportScoresAsTheZip()
    {
        var train = Keyed(SpreadLines(24, stride: 97, offset: 5).Select((text, i) => new LabeledText(text, $"c{i % 3}")).ToArray());
        var test = Keyed(SpreadLines(48, stride: 61, offset: 11).Select((text, i) => new LabeledText(text, $"c{i % 3}")).ToArray());
        ReportTruncation(test.GetColumn<string>("Sentence1").ToArray());
        using var model = MLContext.MulticlassClassification.Trainers.RemBert(Options(new RemBertTextClassificationOptions())).Fit(train);
        var zip = ReloadedFromZip(model, test).Transform(test);
        var expectedScores = zip.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = zip.GetColumn<uint>("PredictedLabel").ToArray();
        string onnx = Export(model, MLContext.Data.LoadFromEnumerable(new[] { new Sentence("") }));
        var texts = test.GetColumn<string>("Sentence1").ToArray();

        var batch = Run(onnx, texts, null);
        ScoreAssert.Close(expectedScores, batch["Score.output"].Rows<float>());
        Assert.Equal(expectedLabels, batch["PredictedLabel.output"].Values<uint>());

        // One row at a time: padded to its own length, so equal to the batch within float rounding.
        foreach (int i in new[] { 0, 7, 23, 47 })
        {
            var alone = Run(onnx, [texts[i]], null);
            ScoreAssert.Close(expectedScores[i], alone["Score.output"].Values<float>());
        }

        MLContext.SetOnnxSessionOption(TextInputOnnxExportTests.ExtensionsSessionOptions());
        var applied = MLContext.Transforms.ApplyOnnxModel(onnx).Fit(test).Transform(test);
        ScoreAssert.Close(expectedScores, applied.GetColumn<float[]>("Score").ToArray());
        Assert.Equal(expectedLabels, applied.GetColumn<uint[]>("PredictedLabel").Select(label => Assert.Single(label)).ToArray());
    }

    [Fact]
    public void RegressionOfSentencePairsTextInExportScoresAsTheZip()
    {
        PairText[] Pairs(int count, int stride, int offset) => Enumerable.Range(0, count)
            .Select(i => new PairText(Lines[(offset + i * stride) % Lines.Length], Lines[(offset + 13 + i * stride) % Lines.Length], i % 4 / 3f)).ToArray();
        var train = MLContext.Data.LoadFromEnumerable(Pairs(24, 89, 3));
        var test = MLContext.Data.LoadFromEnumerable(Pairs(40, 73, 17));
        using var model = MLContext.Regression.Trainers.RemBert(Options(new RemBertRegressionOptions { Sentence2ColumnName = "Sentence2" })).Fit(train);
        var expected = ReloadedFromZip(model, test).Transform(test).GetColumn<float>("Score").ToArray();
        string onnx = Export(model, MLContext.Data.LoadFromEnumerable(new[] { new Pair("", "") }));

        var scores = Run(onnx, test.GetColumn<string>("Sentence1").ToArray(), test.GetColumn<string>("Sentence2").ToArray());
        ScoreAssert.Close(expected, scores["Score.output"].Values<float>());
    }

    [Fact]
    public void BinaryTextInExportScoresAsTheZip()
    {
        var rows = SpreadLines(32, stride: 83, offset: 2).Select((text, i) => new BinaryText(text, i % 2 == 0)).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        using var model = MLContext.BinaryClassification.Trainers.RemBert(Options(new RemBertBinaryClassificationOptions())).Fit(data);
        var zip = ReloadedFromZip(model, data).Transform(data);
        string onnx = Export(model, MLContext.Data.LoadFromEnumerable(new[] { new Sentence("") }));

        var scored = Run(onnx, rows.Select(row => row.Sentence1).ToArray(), null);
        ScoreAssert.Close(zip.GetColumn<float>("Score").ToArray(), scored["Score.output"].Values<float>());
        ScoreAssert.Close(zip.GetColumn<float>("Probability").ToArray(), scored["Probability.output"].Values<float>());
        Assert.Equal(zip.GetColumn<bool>("PredictedLabel").ToArray(), scored["PredictedLabel.output"].Values<bool>());
    }

    [Fact]
    public void ATokenizerTheGraphCannotReproduceFallsBackToIdsAndSaysWhy()
    {
        var tokenizer = RemBertTokenizer.FromSentencePiece(RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath).SentencePiece,
            new RemBertTokenizerOptions { DoLowerCase = true });
        var model = TinyModels.Build<RemBertForSequenceClassification>(TinyTraining.Config() with { NumLabels = 1 }, RemBertArchitectures.ForSequenceClassification);
        var task = new SequenceScoringTask(new SequenceEncoder(tokenizer, "Sentence1", null, 16), model, new RegressionProblem("Score"));
        using var transformer = new RemBertRegressionTransformer(MLContext, task, inferenceBatchSize: 8);
        var warnings = new List<string>();
        MLContext.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.Message); };

        string onnx = Export(transformer, MLContext.Data.LoadFromEnumerable(new[] { new Sentence("") }));

        using var session = new InferenceSession(onnx);
        Assert.Contains("InputIds", session.InputMetadata.Keys);
        Assert.Contains(warnings, message => message.Contains("do_lower_case") && message.Contains("token ids"));
    }

    private T Options<T>(T options) where T : RemBertSentenceTrainerOptions
    {
        TinyTraining.Options(options);
        options.Config = TinyTraining.Config(RemBertTokenizer.FromPretrained(TokenizerDirectory).SentencePiece.VocabularySize);
        options.Tokenizer = TokenizerDirectory;
        options.MaxSequenceLength = MaxSequenceLength;
        options.MaxEpochs = 1;
        return options;
    }

    /// <summary><paramref name="count"/> of the fixtures' lines spread over the file (its scripts come in blocks).</summary>
    private static string[] SpreadLines(int count, int stride, int offset)
        => Enumerable.Range(0, count).Select(i => Lines[(offset + i * stride) % Lines.Length]).ToArray();

    private IDataView Keyed(LabeledText[] rows)
    {
        var data = MLContext.Data.LoadFromEnumerable(rows);
        return MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(
            new[] { "c0", "c1", "c2" }.Select(label => new LabeledText("", label)))).Transform(data);
    }

    private void ReportTruncation(string[] texts)
    {
        var tokenizer = RemBertTokenizer.FromPretrained(TokenizerDirectory);
        int longer = texts.Count(text => tokenizer.Encode(text).InputIds.Length > MaxSequenceLength);
        output.WriteLine($"{longer} of {texts.Length} test rows are longer than MaxSequenceLength {MaxSequenceLength} (truncated)");
        Assert.True(longer > 0, "no test row is truncated");
    }

    private ITransformer ReloadedFromZip(ITransformer model, IDataView data)
    {
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return MLContext.Model.Load(path, out _);
    }

    /// <summary>The default export: text in.</summary>
    private string Export(ITransformer model, IDataView schemaData)
    {
        string path = Path.Combine(TempDirectory, "model.onnx");
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model, schemaData, stream);
        return path;
    }

    /// <summary>ONNX Runtime with the extensions registered: the texts as one [rows, 1] batch.</summary>
    private static Dictionary<string, OrtOutput> Run(string onnx, string[] texts, string[]? pairs)
    {
        using var options = new SessionOptions();
        options.RegisterOrtExtensions();
        return OrtOutput.Run(onnx, (name, _) => OrtOutput.Texts(name, name == "Sentence2" ? pairs! : texts), options);
    }

    private sealed record Sentence(string Sentence1);

    private sealed record LabeledText(string Sentence1, string Label);

    private sealed record Pair(string Sentence1, string Sentence2);

    private sealed record PairText(string Sentence1, string Sentence2, float Label);

    private sealed record BinaryText(string Sentence1, bool Label);
}
