using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Evaluation;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Evaluation;

public class EvaluationCatalogTests
{
    private sealed class TaggedSentence
    {
        [VectorType]
        public string[] Tags { get; set; } = [];

        [VectorType]
        public string[] PredictedTags { get; set; } = [];
    }

    private sealed class KeyRow
    {
        [VectorType]
        public uint[] Label { get; set; } = [];

        [VectorType]
        public uint[] PredictedLabel { get; set; } = [];
    }

    private sealed class AnsweredQuestion
    {
        public string TrainingAnswer { get; set; } = "";

        [VectorType]
        public string[] Answer { get; set; } = [];
    }

    private sealed class MultiGoldQuestion
    {
        [VectorType]
        public string[] Gold { get; set; } = [];

        public string Prediction { get; set; } = "";
    }

    private static readonly TaggedSentence[] ReadmeExample =
    [
        new() { Tags = ["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], PredictedTags = ["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"] },
        new() { Tags = ["B-PER", "I-PER", "O"], PredictedTags = ["B-PER", "I-PER", "O"] },
    ];

    // Label and PredictedLabel as real ML.NET key vectors with KeyValues, as the NER trainer's data has them.
    private static IDataView Keyed(MLContext mlContext, IEnumerable<TaggedSentence> rows)
    {
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var labels = mlContext.Transforms.Conversion.MapValueToKey("Label", "Tags").Fit(data);
        var keyed = labels.Transform(data);
        // The predictions share the label's key type (as a trainer's PredictedLabel does): the same dictionary.
        return mlContext.Transforms.Conversion.MapValueToKey("PredictedLabel", "PredictedTags", keyData: mlContext.Data.LoadFromEnumerable(
            ReadmeExample.SelectMany(r => r.Tags).Distinct().Select(tag => new { Tag = tag }))).Fit(keyed).Transform(keyed);
    }

    [Fact]
    public void NamedEntitiesFromKeyColumnsWithKeyValues()
    {
        var mlContext = new MLContext(seed: 1);
        var data = Keyed(mlContext, ReadmeExample);
        Assert.IsType<KeyDataViewType>(((VectorDataViewType)data.Schema["Label"].Type).ItemType);
        var metrics = mlContext.MulticlassClassification.EvaluateNamedEntities(data);
        Assert.Equal((0.5, 0.5, 0.5), (metrics.Precision, metrics.Recall, metrics.F1Score));
        Assert.Equal(["MISC", "PER"], metrics.PerEntityType.Select(t => t.EntityType));
        Assert.Equal(2, metrics.SentenceCount);
    }

    [Fact]
    public void NamedEntitiesFromTextColumns()
    {
        var mlContext = new MLContext(seed: 1);
        var metrics = mlContext.MulticlassClassification.EvaluateNamedEntities(
            mlContext.Data.LoadFromEnumerable(ReadmeExample), "Tags", "PredictedTags");
        Assert.Equal(Evaluate(ReadmeExample).ToReport(), metrics.ToReport());
    }

    [Fact]
    public void UnequalTagCountsNameTheRowAndColumns()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = ReadmeExample.Append(new TaggedSentence { Tags = ["B-LOC", "O"], PredictedTags = ["B-LOC"] });
        var error = Assert.Throws<InvalidOperationException>(() =>
            mlContext.MulticlassClassification.EvaluateNamedEntities(mlContext.Data.LoadFromEnumerable(rows), "Tags", "PredictedTags"));
        Assert.Contains("Row 2", error.Message);
        Assert.Contains("'Tags' has 2 tags but column 'PredictedTags' has 1", error.Message);
    }

    [Fact]
    public void TagWithoutPrefixNamesTheRowColumnAndWord()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = ReadmeExample.Append(new TaggedSentence { Tags = ["O", "O"], PredictedTags = ["O", "PER"] });
        var error = Assert.Throws<InvalidOperationException>(() =>
            mlContext.MulticlassClassification.EvaluateNamedEntities(mlContext.Data.LoadFromEnumerable(rows), "Tags", "PredictedTags"));
        Assert.Contains("Row 2, column 'PredictedTags'", error.Message);
        Assert.Contains("'PER' at word 1", error.Message);
    }

    [Fact]
    public void KeysWithoutKeyValuesAreRejected()
    {
        var mlContext = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(KeyRow));
        schema["Label"].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), 3));
        schema["PredictedLabel"].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), 3));
        var data = mlContext.Data.LoadFromEnumerable([new KeyRow { Label = [1, 2], PredictedLabel = [1, 2] }], schema);
        var error = Assert.ThrowsAny<ArgumentException>(() => mlContext.MulticlassClassification.EvaluateNamedEntities(data));
        Assert.Contains("label column 'Label'", error.Message);
        Assert.Contains("KeyValues", error.Message);
    }

    [Fact]
    public void MissingOrMistypedColumnsAreNamed()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(ReadmeExample);
        Assert.Contains("Label", Assert.ThrowsAny<ArgumentException>(() => mlContext.MulticlassClassification.EvaluateNamedEntities(data)).Message);
        var questions = mlContext.Data.LoadFromEnumerable([new KeyRow { Label = [1], PredictedLabel = [1] }]);
        Assert.Contains("Label", Assert.ThrowsAny<ArgumentException>(() =>
            mlContext.MulticlassClassification.EvaluateQuestionAnswering(questions, "Label", "PredictedLabel")).Message);
    }

    [Fact]
    public void QuestionAnsweringFromTopKAnswers()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new AnsweredQuestion[]
        {
            // Only the best (first) answer is scored.
            new() { TrainingAnswer = "The Eiffel Tower.", Answer = ["eiffel tower", "paris"] },
            new() { TrainingAnswer = "a cat sat on the mat", Answer = ["the cat on a red mat", "a cat sat on the mat"] },
            // No-answer question predicted as no answer, and as an answer.
            new() { TrainingAnswer = "", Answer = [""] },
            new() { TrainingAnswer = "", Answer = ["Paris"] },
            // An empty vector of predictions is "no answer".
            new() { TrainingAnswer = "東京タワー", Answer = [] },
        });
        var metrics = mlContext.MulticlassClassification.EvaluateQuestionAnswering(data);
        Assert.Equal(5, metrics.Count);
        Assert.Equal(40.0, metrics.ExactMatch, 12);
        Assert.Equal(100.0 * 2.75 / 5, metrics.F1Score, 12);
        Assert.Equal((3L, 100.0 / 3, 100.0 * 1.75 / 3), (metrics.HasAnswerCount, metrics.HasAnswerExactMatch, metrics.HasAnswerF1Score));
        Assert.Equal((2L, 50.0), (metrics.NoAnswerCount, metrics.NoAnswerExactMatch));
    }

    [Fact]
    public void QuestionAnsweringWithSeveralGoldAnswers()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(new MultiGoldQuestion[]
        {
            new() { Gold = ["Denver Broncos", "Broncos"], Prediction = "the Broncos!" },
            new() { Gold = [], Prediction = "" },
        });
        var metrics = mlContext.MulticlassClassification.EvaluateQuestionAnswering(data, "Gold", "Prediction");
        Assert.Equal((100.0, 100.0, 2L), (metrics.ExactMatch, metrics.F1Score, metrics.Count));
        Assert.Equal((1L, 1L), (metrics.HasAnswerCount, metrics.NoAnswerCount));
    }

    private static NamedEntityMetrics Evaluate(IEnumerable<TaggedSentence> rows)
    {
        var evaluator = new NamedEntityEvaluator();
        foreach (var row in rows)
            evaluator.Add(row.Tags, row.PredictedTags);
        return evaluator.GetMetrics();
    }
}
