using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;

/// <summary>Bad multiple-choice data fails before any training step (or when scoring) with the row, the column and the values named.</summary>
[Collection(TrainingCollection.Name)]
public sealed class MultipleChoiceBadInputTests : MLNetFileTestBase
{
    private RemBertMultipleChoiceTrainer Trainer(Action<RemBertMultipleChoiceOptions>? change = null)
    {
        var options = TinyTraining.Options(new RemBertMultipleChoiceOptions());
        options.MaxEpochs = 1;
        change?.Invoke(options);
        return MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options);
    }

    private static string FitFails(RemBertMultipleChoiceTrainer trainer, IDataView data)
        => (Record.Exception(() => trainer.Fit(data)) ?? throw new Xunit.Sdk.XunitException("Fit succeeded.")).Message;

    private IDataView Rows(Func<ChoiceData.ChoiceRow, int, ChoiceData.ChoiceRow>? change = null, int count = 6)
        => MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(count, seed: 3).Select((row, i) => change?.Invoke(row, i) ?? row).ToArray());

    [Fact]
    public void UnequalChoiceCountsNameTheRowTheColumnAndBothCounts()
    {
        var data = Rows((row, i) => { if (i == 2) row.Choices = row.Choices[..3]; return row; });
        Assert.Contains("Row 2 of the training data has 3 choices in column 'Choices' but row 0 has 4: every row needs the same number of choices.", FitFails(Trainer(), data));
    }

    [Fact]
    public void ValidationRowsNeedTheTrainingDataChoiceCount()
    {
        var validation = Rows((row, _) => { row.Choices = row.Choices[..3]; return row; });
        Assert.Contains("Row 0 of the validation set has 3 choices in column 'Choices' but the training data has 4", FitFails(Trainer(o => o.ValidationSet = validation), Rows()));
    }

    [Fact]
    public void ARowWithOneChoiceIsNamed()
    {
        var data = Rows((row, i) => { if (i == 0) { row.Choices = row.Choices[..1]; row.Label = 0; } return row; });
        Assert.Contains("Row 0 of the training data has 1 choice in column 'Choices'; a row needs at least 2.", FitFails(Trainer(), data));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-1)]
    public void AnIntegerLabelOutOfRangeNamesTheRowAndTheColumn(int label)
    {
        var rows = ChoiceData.Rows(6, seed: 3).Select((row, i) => new IntLabelRow(row.Prompt, row.Choices, i == 4 ? label : (int)row.Label));
        Assert.Contains($"Row 4 of the training data has label {label} in column 'Label' but the rows have 4 choices: the label must be a choice index from 0 to 3.",
            FitFails(Trainer(), MLContext.Data.LoadFromEnumerable(rows)));
    }

    [Fact]
    public void AKeyValueThatIsNotAChoiceIndexNamesTheRow()
    {
        // MapValueToKey over labels 0, 1, 2 and 7: four keys for four choices, but 7 is no choice index.
        var error = FitFails(Trainer(), Keyed(i => i == 3 ? 7u : (uint)(i % 3)));
        Assert.Contains("Row 3 of the training data has label '7' (key 4) in column 'Label' but the rows have 4 choices: the label must be a choice index from 0 to 3.", error);
    }

    [Fact]
    public void AKeyTypeWithAnotherCountThanTheChoicesIsNamed()
    {
        var error = FitFails(Trainer(), Keyed(i => (uint)(i % 3)));
        Assert.Contains("Label column 'Label' of the training data is a key type of 3 values but rows have 4 choices", error);
    }

    [Fact]
    public void AMissingKeyNamesTheRow()
    {
        var rows = ChoiceData.Rows(6, seed: 3).Select((row, i) => { row.Label = (uint)(i % 4); return row; }).ToArray();
        var mapping = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(rows));
        var unseen = rows.Select((row, i) => { if (i == 5) row.Label = 9; return row; }).ToArray(); // never seen: key 0
        Assert.Contains("Row 5 of the training data has a missing label (key 0) in column 'Label'.",
            FitFails(Trainer(), mapping.Transform(MLContext.Data.LoadFromEnumerable(unseen))));
    }

    [Fact]
    public void ChoicesMustBeAVectorOfText()
    {
        var data = MLContext.Data.LoadFromEnumerable(new[] { new ScalarChoicesRow("prompt", "one choice", 0) });
        Assert.Contains("Column 'Choices' (ChoicesColumnName) of the training data is String; it must be a vector of text (one string per choice).", FitFails(Trainer(), data));
    }

    [Fact]
    public void ALabelOfAnotherTypeIsNamed()
    {
        var data = MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(4, seed: 3).Select(row => new FloatLabelRow(row.Prompt, row.Choices, row.Label)));
        Assert.Contains("Label column 'Label' of the training data is Single; it must be a key type (e.g. MapValueToKey over the choice indices) or a UInt32 or Int32 choice index.",
            FitFails(Trainer(), data));
    }

    [Fact]
    public void AMissingPromptColumnIsNamed()
        => Assert.Contains("The training data has no column 'Question' (PromptColumnName).", FitFails(Trainer(o => o.PromptColumnName = "Question"), Rows()));

    [Fact]
    public void ScoringARowWithAnotherChoiceCountNamesTheRow()
    {
        using var model = Trainer().Fit(Rows());
        var scored = model.Transform(Rows((row, i) => { if (i == 1) row.Choices = [.. row.Choices, "extra"]; return row; }));
        var error = Assert.ThrowsAny<Exception>(() => MLContext.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).ToArray());
        Assert.Contains("Row 1 of the input data has 5 choices in column 'Choices' but the model has 4", error.ToString());
    }

    private IDataView Keyed(Func<int, uint> label)
    {
        var data = MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(6, seed: 3).Select((row, i) => { row.Label = label(i); return row; }).ToArray());
        return MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    private sealed record IntLabelRow(string Prompt, string[] Choices, int Label);

    private sealed record FloatLabelRow(string Prompt, string[] Choices, float Label);

    private sealed record ScalarChoicesRow(string Prompt, string Choices, uint Label);

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
