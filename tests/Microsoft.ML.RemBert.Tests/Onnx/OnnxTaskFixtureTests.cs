using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// the fixtures' PyTorch reference heads (tokcls, qa, mc) through the exported task graphs, on the fixture's padded batch
/// of six: every output within 1e-4 of what PyTorch's logits give.
/// </summary>
public sealed class OnnxTaskFixtureTests : MLNetFileTestBase
{
    private const double Tolerance = 1e-4;

    private static OnnxInputTensor Ids(string name, TorchSharp.torch.Tensor values)
        => new(name, values.data<long>().ToArray(), values.shape.Select(d => (int)d).ToArray());

    private static List<OnnxInputTensor> FixtureIds(ReferenceFixture fixture)
        => [Ids("InputIds", fixture.InputIds()), Ids("AttentionMask", fixture.AttentionMask()), Ids("TokenTypeIds", fixture.TokenTypeIds())];

    [SkippableFact]
    public void ReferenceTokenClassifierGivesPyTorchsTagAndProbabilityAtEveryPosition()
    {
        var fixture = ReferenceFixture.Load();
        string directory = fixture.Checkpoint("tokcls");
        var model = RemBertCheckpoint.FromPretrained<RemBertForTokenClassification>(directory);
        var tags = new TagSet(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);
        var task = new NamedEntityScoringTask(WordSource.For(null, "Sentence1"), new WordWindows(RemBertTokenizer.FromPretrained(directory), 128, 32),
            tags, "PredictedLabel", "Score", model);
        using var transformer = new RemBertNamedEntityRecognitionTransformer(MLContext, task, inferenceBatchSize: 8);
        string path = Path.Combine(TempDirectory, "tokcls.onnx");
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(transformer, MLContext.Data.LoadFromEnumerable(new[] { new SentenceRow("") }), stream);

        // Every position of every row is a "word": WordPositions = row × seq + position.
        var inputs = FixtureIds(fixture);
        int rows = inputs[0].Dimensions[0], length = inputs[0].Dimensions[1];
        inputs.Add(new OnnxInputTensor(NamedEntityOnnxBatch.WordPositionsName, Enumerable.Range(0, rows * length).Select(i => (long)i).ToArray(), [rows, length]));
        var outputs = OnnxBatchRun.Run(path, inputs);

        var (shape, logits) = fixture.Output("tokcls_logits");
        int labels = (int)shape[2];
        var keys = outputs["PredictedLabel.output"].Values<uint>();
        var scores = outputs["Score.output"].Values<float>();
        Assert.Equal(rows * length, keys.Length);
        for (int token = 0; token < rows * length; token++)
        {
            var expected = logits.Skip(token * labels).Take(labels).Select(value => (double)value).ToArray();
            double max = expected.Max();
            Assert.Equal((uint)Array.IndexOf(expected, max) + 1, keys[token]);
            Assert.InRange(scores[token] - 1 / expected.Sum(value => Math.Exp(value - max)), -Tolerance, Tolerance);
        }
    }

    [SkippableFact]
    public void ReferenceQuestionAnsweringGivesPyTorchsSpanLogits()
    {
        var fixture = ReferenceFixture.Load();
        string directory = fixture.Checkpoint("qa");
        var model = RemBertCheckpoint.FromPretrained<RemBertForQuestionAnswering>(directory);
        var task = new QuestionAnsweringScoringTask(new QuestionAnsweringEncoder(RemBertTokenizer.FromPretrained(directory), "Context", "Question", 128, 32),
            new AnswerSpanSelector(1, 30), model, new AnswerColumnNames("Answer", "Score", "AnswerStart"));
        using var transformer = new RemBertQuestionAnsweringTransformer(MLContext, task, inferenceBatchSize: 8);
        string path = Path.Combine(TempDirectory, "qa.onnx");
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(transformer.ForOnnxSpanLogitsExport(), MLContext.Data.LoadFromEnumerable(new[] { new QuestionRow("", "") }), stream);

        var outputs = OnnxBatchRun.Run(path, FixtureIds(fixture));
        foreach (var (output, reference) in new[] { ("StartLogits.output", "qa_start_logits"), ("EndLogits.output", "qa_end_logits") })
        {
            var (shape, expected) = fixture.Output(reference);
            Assert.Equal(shape.Select(d => (int)d), outputs[output].Dimensions);
            var actual = outputs[output].Values<float>();
            for (int i = 0; i < expected.Length; i++)
                Assert.InRange(actual[i] - expected[i], -Tolerance, Tolerance);
        }
    }

    [SkippableFact]
    public void ReferenceMultipleChoiceGivesPyTorchsChoiceProbabilities()
    {
        var fixture = ReferenceFixture.Load();
        string directory = fixture.Checkpoint("mc");
        var model = RemBertCheckpoint.FromPretrained<RemBertForMultipleChoice>(directory);
        var task = new MultipleChoiceScoringTask(new MultipleChoiceEncoder(RemBertTokenizer.FromPretrained(directory), "Prompt", "Choices", 128), model,
            new ChoiceClasses([0, 1], "PredictedLabel", "Score"));
        using var transformer = new RemBertMultipleChoiceTransformer(MLContext, task, inferenceBatchSize: 8);
        string path = Path.Combine(TempDirectory, "mc.onnx");
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(transformer, MLContext.Data.LoadFromEnumerable(new[] { new ChoiceRow() }), stream);

        // The fixture's six sequences are three questions of two choices: rows (0, 1), (2, 3), (4, 5).
        var outputs = OnnxBatchRun.Run(path, FixtureIds(fixture));
        var (shape, logits) = fixture.Output("mc_logits");
        int questions = (int)shape[0], choices = (int)shape[1];
        var scores = outputs["Score.output"].Values<float>();
        var predicted = outputs["PredictedLabel.output"].Values<uint>();
        Assert.Equal([questions, choices], outputs["Score.output"].Dimensions);
        for (int question = 0; question < questions; question++)
        {
            var expected = logits.Skip(question * choices).Take(choices).Select(value => (double)value).ToArray();
            double max = expected.Max(), sum = expected.Sum(value => Math.Exp(value - max));
            for (int choice = 0; choice < choices; choice++)
            {
                double actual = scores[question * choices + choice];
                Assert.InRange(actual - Math.Exp(expected[choice] - max) / sum, -Tolerance, Tolerance);
                Assert.InRange(Math.Log(actual / scores[question * choices]) - (expected[choice] - expected[0]), -Tolerance, Tolerance);
            }
            Assert.Equal((uint)Array.IndexOf(expected, max) + 1, predicted[question]);
        }
    }

    private sealed record SentenceRow(string Sentence1);

    private sealed record QuestionRow(string Context, string Question);

    private sealed class ChoiceRow
    {
        public string Prompt { get; set; } = "";
        public string[] Choices { get; set; } = [];
    }
}
