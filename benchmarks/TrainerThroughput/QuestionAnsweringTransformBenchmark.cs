using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using TorchSharp;

namespace TrainerThroughput;

/// <summary>
/// Rows per second of the question-answering transformer's <c>Transform</c> (reading the Answer column of every row:
/// windowing, one forward pass over all windows of a batch of rows, span selection), against forward passes alone over
/// the same windows, encoded and padded beforehand into the same batches. Long contexts: most rows need several
/// windows. The weights are random (throughput does not depend on them), of the training benchmark's configuration.
/// </summary>
internal static class QuestionAnsweringTransformBenchmark
{
    private const int MaxSequenceLength = 128;
    private const int DocumentStride = 32;

    public static (double PipelineRowsPerSecond, double RawRowsPerSecond) Measure(MLContext ml, RemBertTokenizer tokenizer, BenchmarkOptions options)
    {
        var config = options.TrainingConfig(tokenizer.SentencePiece.VocabularySize);
        var encoder = new QuestionAnsweringEncoder(tokenizer, "Context", "Question", MaxSequenceLength, DocumentStride);
        var task = new QuestionAnsweringScoringTask(encoder, new AnswerSpanSelector(topK: 3, RemBertQuestionAnsweringOptions.DefaultMaxAnswerLength),
            new RemBertForQuestionAnswering(config), new AnswerColumnNames("Answer", "Score", "AnswerStart"));
        using var model = new RemBertQuestionAnsweringTransformer(ml, task, Microsoft.ML.RemBert.Trainers.RemBertScoringTransformer.DefaultInferenceBatchSize);
        model.Model.eval();

        var random = new Random(3);
        int rowCount = Math.Max(1, options.TransformRows / 4); // a row is several windows: a quarter of the rows is about as many forward inputs
        var rows = Enumerable.Range(0, rowCount)
            .Select(_ => new Row(SyntheticText.Words(random, random.Next(40, 200)), SyntheticText.Words(random, random.Next(4, 12))))
            .ToArray();

        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = Stopwatch.StartNew();
        var scored = model.Transform(data);
        using (var cursor = scored.GetRowCursor(new[] { scored.Schema["Answer"] }))
        {
            var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<ReadOnlyMemory<char>>>(scored.Schema["Answer"]);
            Microsoft.ML.Data.VBuffer<ReadOnlyMemory<char>> answers = default;
            while (cursor.MoveNext()) getter(ref answers);
        }
        pipeline.Stop();

        var encoded = rows.Select(row => encoder.Encode(row.Context, row.Question)).ToArray();
        double rawSeconds;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var batches = encoded.Chunk(model.InferenceBatchSize).Select(task.Collate).ToList();
            var raw = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                using var output = model.Model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
                _ = output.StartLogits.cpu().data<float>()[0];
                _ = output.EndLogits.cpu().data<float>()[0];
            }
            rawSeconds = raw.Elapsed.TotalSeconds;
        }

        int windows = encoded.Sum(row => row.Windows.Count);
        double pipelineRate = rows.Length / pipeline.Elapsed.TotalSeconds, rawRate = rows.Length / rawSeconds;
        Console.WriteLine($"Question answering Transform over {rows.Length:N0} rows ({windows:N0} windows of at most {MaxSequenceLength} tokens, stride {DocumentStride}, " +
            $"batches of {model.InferenceBatchSize} rows): {pipelineRate:F2} rows/s; raw batched forward on the same windows: {rawRate:F2} rows/s");
        return (pipelineRate, rawRate);
    }

    private sealed record Row(string Context, string Question);
}
