using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Transforms.Onnx;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Apply;

/// <summary>
/// <c>ApplyRemBertModel</c> on the head checkpoints of ../shared/fixtures/rembert-reference: each scores as the PyTorch
/// reference (expected.json, or TestData/PythonInterop/mc-reference.json for multiple choice) within 1e-4, inside an
/// ML.NET pipeline, and identically again after the pipeline is saved to a zip and loaded back.
/// </summary>
public sealed class ApplyRemBertModelTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-4f;

    private static readonly int[] SingleRows = [0, 2, 4];
    private static readonly int[] PairRows = [1, 3, 5];

    [SkippableFact]
    public void TextClassificationCheckpointScoresAsPyTorchWithItsLabelNames()
    {
        var reference = ReferenceOutputs.Load();
        foreach (var rows in new[] { SingleRows, PairRows })
        {
            bool pairs = rows == PairRows;
            var data = MLContext.Data.LoadFromEnumerable(rows.Select(r => new SentenceRow { Sentence1 = reference.Text(r).Text, Sentence2 = reference.Text(r).Pair ?? "" }));
            var pipeline = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
                {
                    Model = ReferenceOutputs.Checkpoint("seqcls"),
                    Sentence2ColumnName = pairs ? nameof(SentenceRow.Sentence2) : null,
                    InferenceBatchSize = 2,
                })
                .Append(MLContext.Transforms.Conversion.MapKeyToValue("LabelName", "PredictedLabel"));
            var model = pipeline.Fit(data);
            var applied = Assert.IsType<RemBertTextClassificationTransformer>(model.First());
            Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2"], applied.LabelNames);

            var (scores, names) = Classified(model, data);
            for (int i = 0; i < rows.Length; i++)
            {
                var logits = reference.Row("seqcls_logits", rows[i]);
                AssertClose(ReferenceOutputs.Softmax(logits), scores[i], $"row {rows[i]}");
                Assert.Equal($"LABEL_{Array.IndexOf(logits, logits.Max())}", names[i]);
            }

            var reloaded = SaveAndLoad(model, data);
            var (reloadedScores, reloadedNames) = Classified(reloaded, data);
            Assert.Equal(scores, reloadedScores);
            Assert.Equal(names, reloadedNames);
        }
    }

    [SkippableFact]
    public void OneLabelRegressionCheckpointGivesTheRegressionTransformer()
    {
        var reference = ReferenceOutputs.Load();
        // A regression head made from the fixture's classifier: its first row is the one output, so the reference is logit 0.
        string directory = Path.Combine(TempDirectory, "regression");
        using (var classifier = RemBertCheckpoint.FromPretrained<RemBertForSequenceClassification>(ReferenceOutputs.Checkpoint("seqcls")))
        {
            var config = classifier.Config with { NumLabels = 1, Id2Label = null, Label2Id = null, ProblemType = RemBertProblemType.Regression };
            using var regression = (RemBertForSequenceClassification)RemBertModelFactory.Create(config, RemBertArchitectures.ForSequenceClassification, initializeWeights: false);
            var state = classifier.state_dict();
            using (TorchSharp.torch.no_grad())
            {
                foreach (var (name, parameter) in regression.named_parameters())
                    parameter.copy_(name.StartsWith("classifier.", StringComparison.Ordinal) ? state[name][..1] : state[name]);
            }
            RemBertCheckpoint.SavePretrained(regression, directory);
        }
        foreach (var file in new[] { "sentencepiece.model", "tokenizer_config.json" })
            File.Copy(Path.Combine(ReferenceOutputs.Checkpoint("seqcls"), file), Path.Combine(directory, file));

        var data = MLContext.Data.LoadFromEnumerable(SingleRows.Select(r => new SentenceRow { Sentence1 = reference.Text(r).Text }));
        var model = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = directory }).Fit(data);
        Assert.IsType<RemBertRegressionTransformer>(model);
        var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < SingleRows.Length; i++)
            Assert.Equal(reference.Row("seqcls_logits", SingleRows[i])[0], scores[i], Tolerance);
        Assert.Equal(scores, SaveAndLoad(model, data).Transform(data).GetColumn<float>("Score").ToArray());
    }

    [SkippableFact]
    public void TokenClassificationCheckpointTagsEveryWordAsPyTorch()
    {
        var reference = ReferenceOutputs.Load();
        string checkpoint = ReferenceOutputs.Checkpoint("tokcls");
        var tokenizer = RemBertTokenizer.FromPretrained(checkpoint);
        var data = MLContext.Data.LoadFromEnumerable(SingleRows.Select(r => new SentenceRow { Sentence1 = reference.Text(r).Text }));
        var pipeline = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = checkpoint })
            .Append(MLContext.Transforms.Conversion.MapKeyToValue("Tags", "PredictedLabel"));
        var model = pipeline.Fit(data);
        Assert.IsType<RemBertNamedEntityRecognitionTransformer>(model.First());

        var (scores, tags) = Tagged(model, data);
        int labels = reference.Width("tokcls_logits");
        for (int i = 0; i < SingleRows.Length; i++)
        {
            int row = SingleRows[i];
            var words = WordSource.SplitOnWhitespace(reference.Text(row).Text);
            // Each word tokenized alone, as the transformer does, gives the reference's ids here: its first piece's position is known.
            var pieces = words.Select(word => tokenizer.Encode(word, null, new RemBertEncodeOptions { AddSpecialTokens = false }).InputIds).ToArray();
            Assert.Equal(reference.InputIds[row][1..(reference.Length(row) - 1)], pieces.SelectMany(p => p).ToArray());
            var logits = reference.Row("tokcls_logits", row);
            Assert.Equal(words.Length, scores[i].Length);
            int position = 1;
            for (int w = 0; w < words.Length; w++)
            {
                var probabilities = ReferenceOutputs.Softmax(logits[(position * labels)..((position + 1) * labels)]);
                int best = Array.IndexOf(probabilities, probabilities.Max());
                Assert.Equal(probabilities[best], scores[i][w], Tolerance);
                Assert.Equal($"TAG_{best}", tags[i][w]);
                position += pieces[w].Length;
            }
        }
        var (reloadedScores, reloadedTags) = Tagged(SaveAndLoad(model, data), data);
        Assert.Equal(scores, reloadedScores);
        Assert.Equal(tags, reloadedTags);
    }

    [SkippableFact]
    public void QuestionAnsweringCheckpointAnswersFromThePyTorchLogits()
    {
        var reference = ReferenceOutputs.Load();
        string checkpoint = ReferenceOutputs.Checkpoint("qa");
        // The fixture's pairs are [CLS] question [SEP] context [SEP], exactly a one-window question-answering input.
        var data = MLContext.Data.LoadFromEnumerable(PairRows.Select(r => new QuestionRow { Question = reference.Text(r).Text, Context = reference.Text(r).Pair! }));
        var model = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = checkpoint, TopK = 3 }).Fit(data);
        Assert.IsType<RemBertQuestionAnsweringTransformer>(model);

        var answers = Answered(model, data);
        var encoder = new QuestionAnsweringEncoder(RemBertTokenizer.FromPretrained(checkpoint), "Context", "Question", 128, 128 / 3);
        var selector = new AnswerSpanSelector(3, RemBertQuestionAnsweringOptions.DefaultMaxAnswerLength);
        for (int i = 0; i < PairRows.Length; i++)
        {
            int row = PairRows[i], length = reference.Length(row);
            var windows = encoder.Encode(reference.Text(row).Pair!, reference.Text(row).Text);
            Assert.Equal(reference.InputIds[row][..length], Assert.Single(windows.Windows).InputIds);
            // The reference's own logits through the one span selection every transformer uses.
            var expected = selector.Select(windows, [reference.Row("qa_start_logits", row)[..length]], [reference.Row("qa_end_logits", row)[..length]]);
            Assert.Equal(expected.Texts, answers[i].Answer);
            Assert.Equal(expected.Starts, answers[i].AnswerStart);
            AssertClose(expected.Scores, answers[i].Score, $"row {row}");
        }
        var reloaded = Answered(SaveAndLoad(model, data), data);
        Assert.Equal(answers.Select(a => a.Score), reloaded.Select(a => a.Score));
        Assert.Equal(answers.Select(a => a.Answer), reloaded.Select(a => a.Answer));
    }

    [SkippableFact]
    public void MultipleChoiceCheckpointScoresAsPyTorch()
    {
        string checkpoint = ReferenceOutputs.Checkpoint("mc");
        // Made by TestData/PythonInterop/head_reference.py from the same checkpoint (mc-rows.json).
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.TestData("PythonInterop", "mc-reference.json")));
        var rows = document.RootElement.GetProperty("rows").EnumerateArray().Select(r => (
            Prompt: r.GetProperty("prompt").GetString()!,
            Choices: r.GetProperty("choices").EnumerateArray().Select(c => c.GetString()!).ToArray(),
            Logits: r.GetProperty("logits").EnumerateArray().Select(l => l.GetSingle()).ToArray())).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows.Select(r => new ChoiceRow { Prompt = r.Prompt, Choices = r.Choices }));
        var model = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = checkpoint }).Fit(data);
        Assert.IsType<RemBertMultipleChoiceTransformer>(model);

        var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        var predicted = model.Transform(data).GetColumn<uint>("PredictedLabel").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            AssertClose(ReferenceOutputs.Softmax(rows[i].Logits), scores[i], $"row {i}");
            Assert.Equal((uint)Array.IndexOf(rows[i].Logits, rows[i].Logits.Max()) + 1, predicted[i]);
        }
        Assert.Equal(scores, SaveAndLoad(model, data).Transform(data).GetColumn<float[]>("Score").ToArray());
    }

    [SkippableFact]
    public void AppliedClassifierServesAPredictionEngineAndExportsToOnnx()
    {
        var reference = ReferenceOutputs.Load();
        var data = MLContext.Data.LoadFromEnumerable(SingleRows.Select(r => new SentenceRow { Sentence1 = reference.Text(r).Text }));
        using var model = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = ReferenceOutputs.Checkpoint("seqcls") }).Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();

        using (var engine = MLContext.Model.CreatePredictionEngine<SentenceRow, ScoreRow>(model, new PredictionEngineOptions { OwnsTransformer = false }))
        {
            for (int i = 0; i < SingleRows.Length; i++)
                AssertClose(expected[i], engine.Predict(new SentenceRow { Sentence1 = reference.Text(SingleRows[i]).Text }).Score, $"row {SingleRows[i]} alone");
        }

        string onnx = Path.Combine(TempDirectory, "applied.onnx");
        using (var stream = File.Create(onnx))
            MLContext.Model.ConvertToOnnx(model, data, stream);
        MLContext.SetOnnxSessionOption(Onnx.TextInputOnnxExportTests.ExtensionsSessionOptions());
        var exported = MLContext.Transforms.ApplyOnnxModel(onnx).Fit(data).Transform(data).GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < SingleRows.Length; i++)
            AssertClose(expected[i], exported[i], $"row {SingleRows[i]} through ONNX Runtime");
    }

    [SkippableFact]
    public void BaseCheckpointIsRefusedWithAdviceToTrain()
    {
        string checkpoint = ReferenceOutputs.Checkpoint("base");
        var data = MLContext.Data.LoadFromEnumerable([new SentenceRow { Sentence1 = "x" }]);
        var error = Assert.Throws<ArgumentException>(() => MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = checkpoint }).Fit(data));
        Assert.Contains("RemBertModel", error.Message);
        Assert.Contains("Fine-tune it", error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [SkippableFact]
    public void HeadArchitectureWithoutHeadWeightsIsRefused()
    {
        // The base weights under a classifier's config.json: the classifier's weights are missing.
        string directory = Path.Combine(TempDirectory, "no-head");
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(ReferenceOutputs.Checkpoint("base")))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        File.Copy(Path.Combine(ReferenceOutputs.Checkpoint("seqcls"), "config.json"), Path.Combine(directory, "config.json"), overwrite: true);
        var data = MLContext.Data.LoadFromEnumerable([new SentenceRow { Sentence1 = "x" }]);
        var error = Assert.Throws<ArgumentException>(() => MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = directory }).Fit(data));
        Assert.Contains("classifier.weight", error.Message);
        Assert.Contains("Fine-tune it", error.Message);
    }

    [SkippableFact]
    public void TaskThatContradictsTheCheckpointIsAnError()
    {
        var data = MLContext.Data.LoadFromEnumerable([new SentenceRow { Sentence1 = "x" }]);
        var wrongHead = Assert.Throws<ArgumentException>(() => MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            { Model = ReferenceOutputs.Checkpoint("seqcls"), Task = RemBertApplyTask.QuestionAnswering }).Fit(data));
        Assert.Contains("RemBertForSequenceClassification", wrongHead.Message);
        var wrongCount = Assert.Throws<ArgumentException>(() => MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            { Model = ReferenceOutputs.Checkpoint("seqcls"), Task = RemBertApplyTask.BinaryClassification }).Fit(data));
        Assert.Contains("not 3", wrongCount.Message);
    }

    [SkippableFact]
    public void MissingInputColumnIsNamedBeforeTheWeightsLoad()
    {
        var data = MLContext.Data.LoadFromEnumerable([new SentenceRow { Sentence1 = "x" }]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            { Model = ReferenceOutputs.Checkpoint("qa") }).Fit(data));
        Assert.Contains("'Context' (ContextColumnName)", error.Message);
    }

    [SkippableFact]
    public void OutputSchemaBeforeFitIsTheTransformersSchema()
    {
        var data = MLContext.Data.LoadFromEnumerable([new SentenceRow { Sentence1 = "x" }]);
        var estimator = MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = ReferenceOutputs.Checkpoint("seqcls") });
        var shape = estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
        using var transformer = estimator.Fit(data);
        var schema = transformer.GetOutputSchema(data.Schema);
        foreach (var name in new[] { "PredictedLabel", "Score" })
        {
            Assert.True(shape.TryFindColumn(name, out var column));
            Assert.Equal(schema[name].Type is VectorDataViewType ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.Scalar, column.Kind);
        }
    }

    private ITransformer SaveAndLoad(ITransformer model, IDataView data)
    {
        string path = Path.Combine(TempDirectory, $"applied-{Guid.NewGuid():N}.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return MLContext.Model.Load(path, out _);
    }

    private (float[][] Scores, string[] Names) Classified(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        return (scored.GetColumn<float[]>("Score").ToArray(), scored.GetColumn<string>("LabelName").ToArray());
    }

    private (float[][] Scores, string[][] Tags) Tagged(ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        return (scored.GetColumn<float[]>("Score").ToArray(), scored.GetColumn<string[]>("Tags").ToArray());
    }

    private AnswerRow[] Answered(ITransformer model, IDataView data)
        => MLContext.Data.CreateEnumerable<AnswerRow>(model.Transform(data), reuseRowObject: false).ToArray();

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}, value {i}: expected {expected[i]}, got {actual[i]}");
    }

    private sealed class SentenceRow
    {
        public string Sentence1 { get; set; } = "";
        public string Sentence2 { get; set; } = "";
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
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

    private sealed class AnswerRow
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] AnswerStart { get; set; } = [];
    }
}
