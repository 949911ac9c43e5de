using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace TrainerThroughput;

/// <summary>
/// Rows per second of the named-entity transformer's <c>Transform</c> (reading PredictedLabel, one tag per word, of every
/// row), against the same model's forward passes alone over the same windows, encoded and padded beforehand into the
/// same batches. One row in ten is long enough to need several windows of 128 tokens. The model has random weights of
/// the training benchmark's configuration (what it predicts does not change the cost).
/// </summary>
internal static class NamedEntityTransformBenchmark
{
    private const int MaxSequenceLength = 128;
    private const int Stride = 32;
    private const int BatchSize = RemBertScoringTransformer.DefaultInferenceBatchSize;
    private static readonly string[] Tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"];

    public static (double PipelineRowsPerSecond, double RawRowsPerSecond) Measure(MLContext ml, RemBertTokenizer tokenizer, BenchmarkOptions options)
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, options.TransformRows)
            .Select(i => new Row(SyntheticText.Words(random, i % 10 == 9 ? random.Next(100, 250) : random.Next(3, 60)))).ToArray();
        torch.manual_seed(3);
        var model = new RemBertForTokenClassification(options.TrainingConfig(tokenizer.SentencePiece.VocabularySize).WithLabels(Tags));
        model.eval();
        var windows = new WordWindows(tokenizer, MaxSequenceLength, Stride);
        var task = new NamedEntityScoringTask(WordSource.For(null, "Sentence1"), windows, new TagSet(Tags), "PredictedLabel", "Score", model);
        using var transformer = new RemBertNamedEntityRecognitionTransformer((IHostEnvironment)ml, task, BatchSize);

        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = Stopwatch.StartNew();
        var scored = transformer.Transform(data);
        using (var cursor = scored.GetRowCursor(new[] { scored.Schema["PredictedLabel"] }))
        {
            var getter = cursor.GetGetter<VBuffer<uint>>(scored.Schema["PredictedLabel"]);
            VBuffer<uint> tags = default;
            while (cursor.MoveNext()) getter(ref tags);
        }
        pipeline.Stop();

        var encoded = rows.Select(row => windows.Encode(WordSource.SplitOnWhitespace(row.Sentence1))).ToArray();
        double rawSeconds;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var batches = encoded.Chunk(BatchSize)
                .Select(batch => batch.SelectMany(row => row.Windows).Select(window => window.InputIds).ToList())
                .Select(ids => RemBertBatchInputs.Pad(ids, ids.Select(row => new int[row.Length]).ToList(), tokenizer.PadTokenId, torch.CPU))
                .ToList();
            var raw = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                using var output = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
                _ = output.Logits.cpu().data<float>()[0];
            }
            rawSeconds = raw.Elapsed.TotalSeconds;
        }

        double pipelineRate = rows.Length / pipeline.Elapsed.TotalSeconds, rawRate = rows.Length / rawSeconds;
        Console.WriteLine($"NER Transform over {rows.Length:N0} rows ({encoded.Average(row => row.WordCount):F1} words, " +
            $"{encoded.Average(row => row.Windows.Length):F2} windows of at most {MaxSequenceLength} tokens on average, batches of {BatchSize} rows): " +
            $"{pipelineRate:F1} rows/s; raw batched forward on the same windows: {rawRate:F1} rows/s");
        return (pipelineRate, rawRate);
    }

    private sealed record Row(string Sentence1);
}
