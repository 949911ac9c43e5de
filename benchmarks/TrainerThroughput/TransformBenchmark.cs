using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using TorchSharp;

namespace TrainerThroughput;

/// <summary>
/// Rows per second of the trained transformer's <c>Transform</c> (reading the Score column of every row), against
/// the same model's forward passes alone over the same rows, tokenized and padded beforehand into the same batches.
/// </summary>
internal static class TransformBenchmark
{
    public static (double PipelineRowsPerSecond, double RawRowsPerSecond) Measure(MLContext ml, RemBertBinaryClassificationTransformer model,
        RemBertTokenizer tokenizer, BenchmarkOptions options)
    {
        var random = new Random(2);
        var rows = Enumerable.Range(0, options.TransformRows).Select(_ => new Row(SyntheticText.Words(random, random.Next(3, 60)))).ToArray();

        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = Stopwatch.StartNew();
        var scored = model.Transform(data);
        using (var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] }))
        {
            var getter = cursor.GetGetter<float>(scored.Schema["Score"]);
            float score = 0;
            while (cursor.MoveNext()) getter(ref score);
        }
        pipeline.Stop();

        var encodeOptions = new RemBertEncodeOptions { MaxLength = 128, Truncation = TruncationStrategy.LongestFirst };
        var encodings = rows.Select(row => tokenizer.Encode(row.Sentence1, null, encodeOptions)).ToArray();
        double rawSeconds;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var batches = encodings.Chunk(model.InferenceBatchSize)
                .Select(batch => RemBertBatchInputs.Pad(batch.Select(e => e.InputIds).ToList(), batch.Select(e => e.TokenTypeIds).ToList(), tokenizer.PadTokenId, torch.CPU))
                .ToList();
            var raw = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                using var output = model.Model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
                _ = output.Logits.cpu().data<float>()[0];
            }
            rawSeconds = raw.Elapsed.TotalSeconds;
        }

        double pipelineRate = rows.Length / pipeline.Elapsed.TotalSeconds, rawRate = rows.Length / rawSeconds;
        Console.WriteLine($"Transform over {rows.Length:N0} rows ({encodings.Average(e => e.InputIds.Length):F1} tokens on average, batches of {model.InferenceBatchSize}): " +
            $"{pipelineRate:F1} rows/s; raw batched forward on the same batches: {rawRate:F1} rows/s");
        return (pipelineRate, rawRate);
    }

    private sealed record Row(string Sentence1);
}
