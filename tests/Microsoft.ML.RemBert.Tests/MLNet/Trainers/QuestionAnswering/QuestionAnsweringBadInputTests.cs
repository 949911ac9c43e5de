using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;

/// <summary>Bad question-answering data and options fail before any training step, naming the row, column or option.</summary>
[Collection(TrainingCollection.Name)]
public sealed class QuestionAnsweringBadInputTests : MLNetFileTestBase
{
    private const string Context = "Paris is the capital of France.";

    private Exception FitFails(IEnumerable<AnswerData.AnswerRow> rows, Action<RemBertQuestionAnsweringOptions>? change = null)
        => FitFails(MLContext.Data.LoadFromEnumerable(rows), change);

    private Exception FitFails(IDataView data, Action<RemBertQuestionAnsweringOptions>? change = null)
    {
        var options = Tiny();
        change?.Invoke(options);
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options);
        return Record.Exception(() => trainer.Fit(data)) ?? throw new Xunit.Sdk.XunitException("Fit succeeded.");
    }

    internal static RemBertQuestionAnsweringOptions Tiny()
    {
        var options = TinyTraining.Options(new RemBertQuestionAnsweringOptions());
        options.MaxSequenceLength = 48;
        options.DocumentStride = 8;
        return options;
    }

    // Two good rows, then the row under test (row 2).
    private static IEnumerable<AnswerData.AnswerRow> WithRow(AnswerData.AnswerRow bad)
        => [new(Context, "Which city?", "Paris", 0), new(Context, "Which country?", "France", 24), bad];

    [Fact]
    public void AnswerStartNotMatchingTheAnswerTextNamesTheRowTheColumnsAndShowsBoth()
    {
        var error = FitFails(WithRow(new(Context, "Which country?", "France", 23)));
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("Row 2 of the training data", error.Message);
        Assert.Contains("the context at column 'AnswerIndex' = 23 reads \" Franc\" but column 'TrainingAnswer' is \"France\"", error.Message);
    }

    [Fact]
    public void AnswerBeyondTheContextIsNamed()
    {
        var error = FitFails(WithRow(new(Context, "Which country?", "France", 40)));
        Assert.Contains("Row 2 of the training data: column 'AnswerIndex' is 40 but the answer \"France\" of column 'TrainingAnswer' (6 characters) does not fit in the context of 31 characters.", error.Message);
    }

    [Fact]
    public void AnAnswerWithoutAStartIsNamed()
    {
        var error = FitFails(WithRow(new(Context, "Which country?", "France", -1)));
        Assert.Contains("Row 2 of the training data: column 'AnswerIndex' is -1", error.Message);
    }

    [Fact]
    public void NoAnswerNeedsStartMinusOne()
    {
        var error = FitFails(WithRow(new(Context, "Which river?", "", 3)));
        Assert.Contains("Row 2 of the training data: the answer in column 'TrainingAnswer' is empty (no answer) but column 'AnswerIndex' is 3; a question without an answer has AnswerIndex -1.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t\n")]
    public void AnEmptyContextNamesTheRowAndTheColumn(string context)
    {
        var error = FitFails(WithRow(new(context, "Which river?", "", -1)));
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("Row 2 of the training data has an empty context in column 'Context' (ContextColumnName)", error.Message);
    }

    [Fact]
    public void AQuestionLeavingNoRoomForTheContextNamesTheRowAndTheColumn()
    {
        string longQuestion = string.Join(' ', Enumerable.Repeat("which city is the capital", 10));
        var error = FitFails(WithRow(new(Context + " " + Context, longQuestion, "Paris", 0)));
        Assert.Contains("Row 2 of the training data: the question in column 'Question' leaves no room for the context of column 'Context' within MaxSequenceLength 48 and DocumentStride 8", error.Message);
    }

    [Fact]
    public void TheValidationSetIsNamed()
    {
        var validation = MLContext.Data.LoadFromEnumerable(WithRow(new("", "Which river?", "", -1)));
        var error = FitFails(WithRow(new(Context, "Which river?", "", -1)), options => options.ValidationSet = validation);
        Assert.Contains("Row 2 of the validation set has an empty context", error.Message);
    }

    [Fact]
    public void MissingAndMistypedColumnsAreNamed()
    {
        var missing = FitFails(WithRow(new(Context, "Which river?", "", -1)), options => options.ContextColumnName = "Passage");
        Assert.Contains("The training data has no column 'Passage' (ContextColumnName).", missing.Message);

        var singleIndex = MLContext.Data.LoadFromEnumerable(new[] { new SingleIndexRow(Context, "Which city?", "Paris", 0) });
        var mistyped = FitFails(singleIndex);
        Assert.Contains("Column 'AnswerIndex' (AnswerIndexColumnName) of the training data is Single; it must be Int32", mistyped.Message);
    }

    [Theory]
    [InlineData(nameof(RemBertQuestionAnsweringOptions.TopK), "TopK is 0; it must be at least 1.")]
    [InlineData(nameof(RemBertQuestionAnsweringOptions.MaxAnswerLength), "MaxAnswerLength is 0; it must be at least 1.")]
    [InlineData(nameof(RemBertQuestionAnsweringOptions.DocumentStride), "DocumentStride is 44; it must be between 0 and 43 for MaxSequenceLength 48")]
    public void InvalidOptionIsNamedWithItsValue(string option, string message)
    {
        var error = FitFails(WithRow(new(Context, "Which river?", "", -1)), options =>
        {
            switch (option)
            {
                case nameof(options.TopK): options.TopK = 0; break;
                case nameof(options.MaxAnswerLength): options.MaxAnswerLength = 0; break;
                case nameof(options.DocumentStride): options.DocumentStride = 44; break;
            }
        });
        Assert.Equal(option, Assert.IsType<ArgumentOutOfRangeException>(error).ParamName);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void GetOutputSchemaNamesAMissingColumnAndAddsTheThreeOutputs()
    {
        var trainer = MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(Tiny());
        var schema = SchemaShape.Create(MLContext.Data.LoadFromEnumerable(WithRow(new(Context, "Which river?", "", -1))).Schema);
        var output = trainer.GetOutputSchema(schema);
        Assert.True(output.TryFindColumn("Answer", out var answer) && answer.Kind == SchemaShape.Column.VectorKind.VariableVector);
        Assert.True(output.TryFindColumn("Score", out _) && output.TryFindColumn("AnswerStart", out _));

        var options = Tiny();
        options.QuestionColumnName = "Query";
        var error = Assert.ThrowsAny<ArgumentException>(() => MLContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).GetOutputSchema(schema));
        Assert.Contains("Query", error.Message);
    }

    private sealed record SingleIndexRow(string Context, string Question, string TrainingAnswer, float AnswerIndex);
}
