using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.FineTuning;

/// <summary>The sequence task's loss with example weights and windows, against the unweighted loss of equivalent batches.</summary>
public sealed class WeightedLossTests
{
    private static readonly RemBertTokenizer Tokenizer = RemBertTokenizer.FromPretrained(KeywordData.TinyTokenizerPath);

    private static SequenceExample Example(string text, float label, float weight = 1f, SequenceWindowing? windowing = null)
        => new(windowing?.Encode(Tokenizer, text, null, 16) ?? [Truncated(text)], [label], weight);

    private static EncodedSequence Truncated(string text)
    {
        var encoding = Tokenizer.Encode(text, null, new RemBertEncodeOptions { MaxLength = 16 });
        return new EncodedSequence(encoding.InputIds, encoding.TokenTypeIds);
    }

    private static (float Loss, float[] Gradient) LossAndGradient(RemBertForSequenceClassification model, params SequenceExample[] batch)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        var task = new SequenceTrainingTask(new MulticlassProblem(["a", "b", "c"], "PredictedLabel", "Score"), Tokenizer.PadTokenId);
        var loss = task.ComputeLoss(model, batch, CPU);
        loss.backward();
        var classifier = model.named_parameters().Single(p => p.name == "classifier.weight").parameter;
        return (loss.item<float>(), classifier.grad!.data<float>().ToArray());
    }

    private static RemBertForSequenceClassification Model()
    {
        manual_seed(5);
        var model = new RemBertForSequenceClassification(TinyTraining.Config() with
        {
            NumLabels = 3, ProblemType = RemBertProblemType.SingleLabelClassification,
            HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0, ClassifierDropoutProb = 0,
        });
        model.train();
        return model;
    }

    [Fact]
    public void AWeightedMeanEqualsTheMeanOverRowsRepeatedByTheirWeight()
    {
        using var model = Model();
        var (plain, plainGradient) = LossAndGradient(model, Example("please now", 0), Example("today for me", 1), Example("the", 2));
        // Equal weights (2 each) take the weighted path and must give transformers' mean.
        var (equal, equalGradient) = LossAndGradient(model, Example("please now", 0, 2), Example("today for me", 1, 2), Example("the", 2, 2));
        Assert.Equal(plain, equal, 5);
        Assert.Equal(plainGradient, equalGradient, new FloatTolerance(1e-5f));

        // Weights 3, 1, 0 = the first row three times, the second once, the third not at all.
        var (weighted, weightedGradient) = LossAndGradient(model, Example("please now", 0, 3), Example("today for me", 1, 1), Example("the", 2, 0));
        var (repeated, repeatedGradient) = LossAndGradient(model, Example("please now", 0), Example("please now", 0), Example("please now", 0), Example("today for me", 1));
        Assert.Equal(repeated, weighted, 5);
        Assert.Equal(repeatedGradient, weightedGradient, new FloatTolerance(1e-5f));
        Assert.NotEqual(plain, weighted, 3);
    }

    [Fact]
    public void ARowsLogitsAreTheMeanOfItsWindowsLogits()
    {
        using var model = Model();
        model.eval();
        var windowing = new SequenceWindowing(Stride: 2, MaxWindows: 4);
        var text = string.Join(' ', Enumerable.Repeat("please now today", 6));
        var windows = windowing.Encode(Tokenizer, text, null, 16);
        Assert.True(windows.Length > 1);
        using var scope = NewDisposeScope();
        var rows = new List<EncodedSequence[]> { windows, new[] { windows[0] } };
        var rowLogits = SequenceTrainingTask.Logits(model, SequenceTrainingTask.Collate(rows, Tokenizer.PadTokenId, CPU), SequenceTrainingTask.WindowCounts(rows));
        var each = SequenceTrainingTask.Logits(model, SequenceTrainingTask.Collate(windows.Select(w => new[] { w }).ToList(), Tokenizer.PadTokenId, CPU),
            Enumerable.Repeat(1, windows.Length).ToArray());
        for (int label = 0; label < 3; label++)
            Assert.Equal(each.Average(logits => logits[label]), rowLogits[0][label], 5);
        Assert.Equal(each[0], rowLogits[1], new FloatTolerance(1e-5f));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(float obj) => 0;
    }
}
