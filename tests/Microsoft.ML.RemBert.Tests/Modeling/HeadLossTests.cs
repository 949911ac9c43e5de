using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>Each head's loss equals the same loss computed by hand from its logits, for the label conventions of transformers.</summary>
public class HeadLossTests
{
    private const double Tolerance = 1e-5;
    private const long Ignore = RemBertLosses.IgnoreIndex;

    [Fact]
    public void MaskedLMLossIsCrossEntropyOverScoredPositions()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForMaskedLM>(TinyModels.Config(), RemBertArchitectures.ForMaskedLM);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var labels = new long[] { Ignore, 5, Ignore, 7, 9, 3, Ignore, Ignore, Ignore, 11 };

        using var output = model.forward(ids, mask, labels: tensor(labels).view(TinyModels.Batch, TinyModels.Length));

        var expected = HandLosses.CrossEntropy(TinyModels.Values(output.Logits), TinyModels.Vocab, labels);
        Assert.Equal(expected, output.Loss!.item<float>(), Tolerance);
        Assert.True(expected > 0);
    }

    [Fact]
    public void CausalLMLossScoresEachPositionAgainstTheNextLabel()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config() with { IsDecoder = true };
        using var model = TinyModels.Build<RemBertForCausalLM>(config, RemBertArchitectures.ForCausalLM);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var labelValues = ids.data<long>().ToArray();
        labelValues[2] = Ignore;
        var labels = tensor(labelValues).view(TinyModels.Batch, TinyModels.Length);

        using var output = model.forward(ids, mask, labels: labels);

        var logits = TinyModels.Values(output.Logits);
        var shiftedLogits = new List<double>();
        var shiftedLabels = new List<long>();
        for (var row = 0; row < TinyModels.Batch; row++)
            for (var t = 0; t < TinyModels.Length - 1; t++)
            {
                shiftedLogits.AddRange(logits.Skip((row * TinyModels.Length + t) * TinyModels.Vocab).Take(TinyModels.Vocab));
                shiftedLabels.Add(labelValues[row * TinyModels.Length + t + 1]);
            }
        var expected = HandLosses.CrossEntropy(shiftedLogits.ToArray(), TinyModels.Vocab, shiftedLabels.ToArray());
        Assert.Equal(expected, output.Loss!.item<float>(), Tolerance);
    }

    [Fact]
    public void SequenceClassificationWithIntegerLabelsUsesCrossEntropy()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(3), RemBertArchitectures.ForSequenceClassification);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var labels = new long[] { 2, 0 };

        using var output = model.forward(ids, mask, labels: tensor(labels));

        Assert.Equal(HandLosses.CrossEntropy(TinyModels.Values(output.Logits), 3, labels), output.Loss!.item<float>(), Tolerance);
    }

    [Fact]
    public void SequenceClassificationWithFloatLabelsUsesBinaryCrossEntropy()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(3), RemBertArchitectures.ForSequenceClassification);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var targets = new double[] { 1, 0, 1, 0, 1, 0 };

        using var output = model.forward(ids, mask, labels: tensor(targets.Select(t => (float)t).ToArray()).view(TinyModels.Batch, 3));

        Assert.Equal(HandLosses.BinaryCrossEntropyWithLogits(TinyModels.Values(output.Logits), targets), output.Loss!.item<float>(), Tolerance);
        Assert.Equal(RemBertProblemType.MultiLabelClassification, RemBertLosses.InferProblemType(3, ScalarType.Float32));
        Assert.Null(model.Config.ProblemType);
    }

    [Fact]
    public void SequenceClassificationWithOneLabelIsRegression()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForSequenceClassification>(TinyModels.Config(1), RemBertArchitectures.ForSequenceClassification);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var targets = new double[] { 0.5, -1.25 };

        using var output = model.forward(ids, mask, labels: tensor(targets.Select(t => (float)t).ToArray()));

        Assert.Equal(new long[] { TinyModels.Batch, 1 }, output.Logits.shape);
        Assert.Equal(HandLosses.MeanSquaredError(TinyModels.Values(output.Logits), targets), output.Loss!.item<float>(), Tolerance);
    }

    [Fact]
    public void ExplicitProblemTypeOverridesInference()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config(3) with { ProblemType = RemBertProblemType.Regression };
        using var model = TinyModels.Build<RemBertForSequenceClassification>(config, RemBertArchitectures.ForSequenceClassification);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var targets = new double[] { 0.1, 0.2, 0.3, -0.4, -0.5, -0.6 };

        using var output = model.forward(ids, mask, labels: tensor(targets.Select(t => (float)t).ToArray()).view(TinyModels.Batch, 3));

        Assert.Equal(HandLosses.MeanSquaredError(TinyModels.Values(output.Logits), targets), output.Loss!.item<float>(), Tolerance);
    }

    [Fact]
    public void MultipleChoiceLossIsCrossEntropyOverChoices()
    {
        const int choices = 3;
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForMultipleChoice>(TinyModels.Config(), RemBertArchitectures.ForMultipleChoice);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch, choices });
        var labels = new long[] { 2, 0 };

        using var output = model.forward(ids, mask, token_type_ids: zeros_like(ids), labels: tensor(labels));

        Assert.Equal(new long[] { TinyModels.Batch, choices }, output.Logits.shape);
        Assert.Equal(HandLosses.CrossEntropy(TinyModels.Values(output.Logits), choices, labels), output.Loss!.item<float>(), Tolerance);
    }

    [Fact]
    public void MultipleChoiceScoresEachChoiceAsItsOwnSequence()
    {
        const int choices = 3;
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForMultipleChoice>(TinyModels.Config(), RemBertArchitectures.ForMultipleChoice);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch, choices });
        using var noGrad = no_grad();

        var grouped = model.forward(ids, mask).Logits;
        var single = model.forward(ids[1][2].unsqueeze(0).unsqueeze(0), mask[1][2].unsqueeze(0).unsqueeze(0)).Logits;

        Assert.Equal(grouped[1][2].item<float>(), single.item<float>(), Tolerance);
    }

    [Fact]
    public void TokenClassificationLossSkipsIgnoredTokens()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForTokenClassification>(TinyModels.Config(4), RemBertArchitectures.ForTokenClassification);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var labels = new long[] { Ignore, 1, 2, 3, Ignore, 0, 3, 1, Ignore, Ignore };

        using var output = model.forward(ids, mask, labels: tensor(labels).view(TinyModels.Batch, TinyModels.Length));

        Assert.Equal(HandLosses.CrossEntropy(TinyModels.Values(output.Logits), 4, labels), output.Loss!.item<float>(), Tolerance);
    }

    [Fact]
    public void QuestionAnsweringLossIgnoresPositionsOutsideTheSequence()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForQuestionAnswering>(TinyModels.Config(), RemBertArchitectures.ForQuestionAnswering);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });
        var starts = tensor(new long[] { 1, 50 });
        var ends = tensor(new long[] { 2, 3 }).unsqueeze(-1);

        using var output = model.forward(ids, mask, start_positions: starts, end_positions: ends);

        // 50 is clamped to the sequence length, which is the ignored index: only row 0 counts for the start loss.
        var startLoss = HandLosses.CrossEntropy(TinyModels.Values(output.StartLogits), TinyModels.Length, new long[] { 1, TinyModels.Length }, TinyModels.Length);
        var endLoss = HandLosses.CrossEntropy(TinyModels.Values(output.EndLogits), TinyModels.Length, new long[] { 2, 3 }, TinyModels.Length);
        Assert.Equal((startLoss + endLoss) / 2, output.Loss!.item<float>(), Tolerance);
        Assert.Equal(new long[] { 1, 50 }, starts.data<long>().ToArray());
    }

    [Fact]
    public void NoLabelsMeansNoLoss()
    {
        using var scope = NewDisposeScope();
        using var model = TinyModels.Build<RemBertForTokenClassification>(TinyModels.Config(), RemBertArchitectures.ForTokenClassification);
        var (ids, mask) = TinyModels.Inputs(new long[] { TinyModels.Batch });

        using var output = model.forward(ids, mask);

        Assert.Null(output.Loss);
        Assert.Equal(new[] { "logits" }, output.NamedTensors().Select(t => t.Name));
    }
}
