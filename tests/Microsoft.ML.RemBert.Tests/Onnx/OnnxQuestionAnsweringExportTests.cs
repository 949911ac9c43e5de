using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// A trained question-answering transformer: its default ONNX export fails saying why; its span-logits export run by
/// ONNX Runtime, with the answers selected by QuestionAnsweringOnnxBatch.Answers, gives the zip's answers, starts and
/// scores (within 1e-4), on contexts long enough for several windows; int8 keeps the best answers; external data gives
/// the same logits.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class OnnxQuestionAnsweringExportTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-4f;

    private readonly AnswerData.AnswerRow[] _rows = AnswerData.Rows(16, seed: 3, sentences: 5);

    private RemBertQuestionAnsweringTransformer Train()
    {
        var options = QuestionAnsweringBadInputTests.Tiny();
        options.MaxEpochs = 1;
        return MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).Fit(MLContext.Data.LoadFromEnumerable(_rows));
    }

    private IDataView Schema => MLContext.Data.LoadFromEnumerable(new[] { new QuestionInput("", "") });

    private string Export(ITransformer model, string name)
    {
        string path = Path.Combine(TempDirectory, name);
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model, Schema, stream);
        return path;
    }

    [Fact]
    public void SpanLogitsExportGivesTheZipsAnswersAndTheDefaultExportSaysWhyNot()
    {
        using var model = Train();
        using (var stream = new MemoryStream())
        {
            var error = Assert.Throws<NotSupportedException>(() => MLContext.Model.ConvertToOnnx(model, Schema, stream));
            Assert.Contains("Answer, Score and AnswerStart", error.Message);
            Assert.Contains("ForOnnxSpanLogitsExport", error.Message);
        }
        var data = MLContext.Data.LoadFromEnumerable(_rows.Select(row => new QuestionInput(row.Context, row.Question)));
        string zip = Path.Combine(TempDirectory, "qa.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        var expected = MLContext.Data.CreateEnumerable<Prediction>(MLContext.Model.Load(zip, out _).Transform(data), reuseRowObject: false).ToArray();
        var export = model.ForOnnxSpanLogitsExport();
        Assert.Throws<NotSupportedException>(() => export.Transform(data).GetRowCursor(export.Transform(data).Schema).MoveNext());
        string onnx = Export(export, "qa.onnx");

        var batch = model.EncodeForOnnx(data);
        Assert.True(batch.WindowCounts.Any(count => count > 1), "some contexts should need several windows");
        var ort = OnnxBatchRun.Run(onnx, batch.Inputs);
        Assert.Equal(batch["InputIds"].Dimensions, ort["StartLogits.output"].Dimensions);
        var answers = batch.Answers(ort["StartLogits.output"].Values<float>(), ort["EndLogits.output"].Values<float>());
        Assert.Equal(expected.Length, answers.Count);
        for (int row = 0; row < expected.Length; row++)
        {
            Assert.Equal(expected[row].Answer, answers[row].Answers);
            Assert.Equal(expected[row].AnswerStart, answers[row].AnswerStarts);
            for (int k = 0; k < expected[row].Score.Length; k++)
                Assert.True(Math.Abs(expected[row].Score[k] - answers[row].Scores[k]) <= Tolerance, $"row {row}, answer {k}: expected {expected[row].Score[k]}, ONNX gave {answers[row].Scores[k]}");
        }
    }

    [Fact]
    public void Int8SpanLogitsKeepTheBestAnswers()
    {
        using var model = Train();
        var data = MLContext.Data.LoadFromEnumerable(_rows.Select(row => new QuestionInput(row.Context, row.Question)));
        var expected = MLContext.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).Select(row => row.Answer[0]).ToArray();
        string int8 = Export(model.ForOnnxSpanLogitsExport(new RemBertOnnxExportOptions { QuantizeInt8 = true }), "qa.int8.onnx");
        Assert.Contains("MatMulInteger", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(int8)));

        var batch = model.EncodeForOnnx(data);
        var ort = OnnxBatchRun.Run(int8, batch.Inputs);
        var best = batch.Answers(ort["StartLogits.output"].Values<float>(), ort["EndLogits.output"].Values<float>()).Select(row => row.Answers[0]).ToArray();
        double agreement = expected.Zip(best, (e, a) => e == a ? 1.0 : 0.0).Average();
        Assert.True(agreement >= 0.75, $"int8 gives the zip's best answer on {agreement:P1} of the rows");
    }

    [Fact]
    public void SpanLogitsExportWithExternalDataGivesTheSameLogits()
    {
        using var model = Train();
        var batch = model.EncodeForOnnx(MLContext.Data.LoadFromEnumerable(_rows.Select(row => new QuestionInput(row.Context, row.Question))));
        string inline = Export(model.ForOnnxSpanLogitsExport(), "qa.onnx");
        string sideFile = Path.Combine(Directory.CreateDirectory(Path.Combine(TempDirectory, "external")).FullName, "qa.onnx.data");
        string external = Export(model.ForOnnxSpanLogitsExport(new RemBertOnnxExportOptions { ExternalDataPath = sideFile }), "external/qa.onnx");
        Assert.True(new FileInfo(sideFile).Length > 0, "the weights of 1 KiB or more go to the side file");
        Assert.True(new FileInfo(external).Length < new FileInfo(inline).Length, "the graph no longer holds them");

        var expected = OnnxBatchRun.Run(inline, batch.Inputs);
        var actual = OnnxBatchRun.Run(external, batch.Inputs);
        foreach (var output in new[] { "StartLogits.output", "EndLogits.output" })
            ScoreAssert.Close(expected[output].Values<float>(), actual[output].Values<float>());
    }

    private sealed record QuestionInput(string Context, string Question);

    private sealed class Prediction
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] AnswerStart { get; set; } = [];
    }
}
