using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>
/// Token classification for the training loop: windows padded to the batch's longest, transformers'
/// RemBertForTokenClassification loss (cross entropy over first pieces, -100 skipped), and on validation the
/// entity-level F1 (the default metric; also precision, recall, macro F1 and token accuracy) of seqeval (exact span and type) over whole sentences, each word predicted from its placement window.
/// </summary>
internal sealed class NamedEntityTrainingTask(TagSet tags, long padTokenId) : ITrainingTask<NamedEntityExample>
{
    public IReadOnlyList<TrainingMetric> Metrics { get; } =
    [
        new("EntityF1", HigherIsBetter: true), new("EntityPrecision", HigherIsBetter: true), new("EntityRecall", HigherIsBetter: true),
        new("MacroEntityF1", HigherIsBetter: true), new("TokenAccuracy", HigherIsBetter: true),
    ];

    public Tensor ComputeLoss(RemBertPreTrainedModel model, IReadOnlyList<NamedEntityExample> batch, Device device)
    {
        var inputs = Collate(batch.Select(example => example.Window), padTokenId, device);
        int length = (int)inputs.InputIds.shape[1];
        var labels = new long[batch.Count * length];
        Array.Fill(labels, RemBertLosses.IgnoreIndex);
        for (int row = 0; row < batch.Count; row++)
            batch[row].Labels.CopyTo(labels, row * length);
        var labelTensor = tensor(labels, [batch.Count, length]).to(device);
        return ((RemBertForTokenClassification)model).forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds, labelTensor).Loss!;
    }

    public IReadOnlyDictionary<string, double> Evaluate(RemBertPreTrainedModel model, IEnumerable<IReadOnlyList<NamedEntityExample>> batches, Device device)
    {
        var predicted = new Dictionary<TaggedSentence, int[]>();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var inputs = Collate(batch.Select(example => example.Window), padTokenId, device);
            var positions = batch.SelectMany((example, row) => example.PlacedWords.Select(placed => new WordPlacement(row, placed.Position))).ToArray();
            var logits = WordLogits.Gather((RemBertForTokenClassification)model, inputs, positions);
            int next = 0;
            foreach (var example in batch)
            {
                if (!predicted.TryGetValue(example.Sentence, out var sentenceTags))
                    predicted[example.Sentence] = sentenceTags = new int[example.Sentence.Tags.Length];
                foreach (var (_, word) in example.PlacedWords)
                    sentenceTags[word] = SequenceProblem.ArgMax(logits[next++]);
            }
        }
        var evaluator = new NamedEntityEvaluator();
        foreach (var (sentence, tagIndexes) in predicted)
            evaluator.Add(sentence.Tags.Select(tag => tags.Names[tag]).ToArray(), tagIndexes.Select(tag => tags.Names[tag]).ToArray());
        var metrics = evaluator.GetMetrics();
        return new Dictionary<string, double>
        {
            ["EntityF1"] = metrics.F1Score,
            ["EntityPrecision"] = metrics.Precision,
            ["EntityRecall"] = metrics.Recall,
            ["MacroEntityF1"] = metrics.MacroF1Score,
            ["TokenAccuracy"] = metrics.TokenAccuracy,
        };
    }

    /// <summary>The windows' tensors on <paramref name="device"/>, padded to the longest.</summary>
    public static RemBertBatchInputs Collate(IEnumerable<WordWindow> windows, long padTokenId, Device device)
    {
        var ids = windows.Select(window => window.InputIds).ToList();
        return RemBertBatchInputs.Pad(ids, ids.Select(row => new int[row.Length]).ToList(), padTokenId, device);
    }
}
