using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Evaluation;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultiLabel;

/// <summary>
/// <c>EvaluateMultiLabel</c> against scikit-learn 1.2.1's definitions on a worked example (the expected values were
/// printed by <c>precision_recall_fscore_support</c>, <c>accuracy_score</c> and <c>hamming_loss</c> with
/// <c>zero_division=0</c> on the MultiLabelBinarizer matrix, and are derived by hand below).
/// </summary>
public sealed class MultiLabelEvaluatorTests
{
    private readonly MLContext _mlContext = new(seed: 1);

    // Labels a b c d e; d is neither present nor predicted, e is predicted once and never present.
    //   row  truth   predicted
    //   0    {a,b}   {a}
    //   1    {c}     {b,c}
    //   2    {}      {}        (all negative, predicted so: an exact match)
    //   3    {a,c}   {a,c}
    //   4    {b}     {}
    //   5    {}      {a}
    //   6    {}      {e}
    private static readonly (string[] Truth, string[] Predicted)[] Rows =
    [
        (["a", "b"], ["a"]), (["c"], ["b", "c"]), ([], []), (["a", "c"], ["a", "c"]), (["b"], []), ([], ["a"]), ([], ["e"]),
    ];

    [Fact]
    public void MatchesScikitLearnWithTheModelsLabelSet()
    {
        var metrics = _mlContext.MulticlassClassification.EvaluateMultiLabel(Data(["a", "b", "c", "d", "e"]));

        // Per label (TP, FP, FN): a (2, 1, 0) P 2/3 R 1 F1 0.8; b (0, 1, 2) 0 0 0; c (2, 0, 0) 1 1 1;
        // d (0, 0, 0): P, R and F1 are 0/0, 0 under zero_division=0; e (0, 1, 0): P 0, R 0/0 = 0, F1 0.
        Assert.Equal(["a", "b", "c", "d", "e"], metrics.PerLabel.Select(label => label.Label));
        AssertLabel(metrics.PerLabel[0], 2 / 3.0, 1, 0.8, support: 2);
        AssertLabel(metrics.PerLabel[1], 0, 0, 0, support: 2);
        AssertLabel(metrics.PerLabel[2], 1, 1, 1, support: 2);
        AssertLabel(metrics.PerLabel[3], 0, 0, 0, support: 0);
        AssertLabel(metrics.PerLabel[4], 0, 0, 0, support: 0);
        // Micro: TP 4, FP 3, FN 2: P 4/7, R 4/6, F1 8/13 = 0.6153846153846153.
        Assert.Equal(4 / 7.0, metrics.MicroPrecision, 12);
        Assert.Equal(4 / 6.0, metrics.MicroRecall, 12);
        Assert.Equal(8 / 13.0, metrics.MicroF1, 12);
        // Macro over 5 labels: F1 (0.8 + 1) / 5 = 0.36, P (2/3 + 1) / 5 = 1/3, R (1 + 1) / 5 = 0.4.
        Assert.Equal(0.36, metrics.MacroF1, 12);
        Assert.Equal(1 / 3.0, metrics.MacroPrecision, 12);
        Assert.Equal(0.4, metrics.MacroRecall, 12);
        // Rows 2 and 3 match exactly: 2/7 = 0.2857142857142857; wrong cells FP 3 + FN 2 = 5 of 7 × 5: 1/7.
        Assert.Equal(2 / 7.0, metrics.SubsetAccuracy, 12);
        Assert.Equal(1 / 7.0, metrics.HammingLoss, 12);
        Assert.Equal(7, metrics.RowCount);
    }

    [Fact]
    public void WithoutAScoreColumnTheLabelsAreThoseOfTheRows()
    {
        // MultiLabelBinarizer fitted on the rows: classes a b c e (d is unknown). scikit-learn: macro F1 1.8 / 4 = 0.45,
        // hamming 5 / 28 = 0.17857142857142858, micro F1 unchanged (8/13).
        var metrics = _mlContext.MulticlassClassification.EvaluateMultiLabel(Data(scoreLabels: null), scoreColumnName: null);

        Assert.Equal(["a", "b", "c", "e"], metrics.PerLabel.Select(label => label.Label));
        Assert.Equal(0.45, metrics.MacroF1, 12);
        Assert.Equal(5 / 28.0, metrics.HammingLoss, 12);
        Assert.Equal(8 / 13.0, metrics.MicroF1, 12);
    }

    [Fact]
    public void KeyTypedLabelsScoreAsTheirNames()
    {
        var keyed = _mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(Data(scoreLabels: null)).Transform(Data(scoreLabels: null));
        Assert.IsType<KeyDataViewType>(((VectorDataViewType)keyed.Schema["Label"].Type).ItemType);

        var metrics = _mlContext.MulticlassClassification.EvaluateMultiLabel(keyed, scoreColumnName: null);

        Assert.Equal(0.45, metrics.MacroF1, 12);
        Assert.Equal(8 / 13.0, metrics.MicroF1, 12);
    }

    [Fact]
    public void AllNegativeRowsPredictedSoArePerfectAndBadColumnsAreNamed()
    {
        // Every row empty and predicted empty, with the model's labels: subset accuracy 1, Hamming loss 0, and every F1
        // is 0/0 = 0 (zero_division=0), so micro and macro F1 are 0, as scikit-learn gives.
        var empty = Load([([], []), ([], [])], ["x", "y"]);
        var metrics = _mlContext.MulticlassClassification.EvaluateMultiLabel(empty);
        Assert.Equal(1, metrics.SubsetAccuracy);
        Assert.Equal(0, metrics.HammingLoss);
        Assert.Equal(0, metrics.MicroF1);
        Assert.Equal(0, metrics.MacroF1);

        var missing = Assert.ThrowsAny<ArgumentException>(() => _mlContext.MulticlassClassification.EvaluateMultiLabel(empty, predictedLabelsColumnName: "Nope"));
        Assert.Contains("Nope", missing.Message);
        var scalar = _mlContext.Data.LoadFromEnumerable(new[] { new { Label = "a", PredictedLabels = new[] { "a" } } });
        var wrongType = Assert.ThrowsAny<ArgumentException>(() => _mlContext.MulticlassClassification.EvaluateMultiLabel(scalar));
        Assert.Contains("Label", wrongType.Message);
        var nothing = Assert.ThrowsAny<ArgumentException>(() => _mlContext.MulticlassClassification.EvaluateMultiLabel(Load([([], [])], scoreLabels: null)));
        Assert.Contains("nothing to score", nothing.Message);
    }

    private static void AssertLabel(MultiLabelPerLabelMetrics label, double precision, double recall, double f1, long support)
    {
        Assert.Equal(precision, label.Precision, 12);
        Assert.Equal(recall, label.Recall, 12);
        Assert.Equal(f1, label.F1Score, 12);
        Assert.Equal(support, label.Support);
    }

    private IDataView Data(string[]? scoreLabels) => Load(Rows, scoreLabels);

    /// <summary>Label and PredictedLabels as vectors of text, and when <paramref name="scoreLabels"/> is given a Score column with them as slot names.</summary>
    private IDataView Load((string[] Truth, string[] Predicted)[] rows, string[]? scoreLabels)
    {
        var count = scoreLabels?.Length ?? 1;
        var definition = SchemaDefinition.Create(typeof(ScoredRow));
        definition["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, count);
        if (scoreLabels is not null)
        {
            var names = new VBuffer<ReadOnlyMemory<char>>(count, scoreLabels.Select(name => name.AsMemory()).ToArray());
            definition["Score"].AddAnnotation(AnnotationUtils.Kinds.SlotNames, names, new VectorDataViewType(TextDataViewType.Instance, count));
        }
        return _mlContext.Data.LoadFromEnumerable(rows.Select(row => new ScoredRow { Label = row.Truth, PredictedLabels = row.Predicted, Score = new float[count] }), definition);
    }

    private sealed class ScoredRow
    {
        public string[] Label { get; set; } = [];
        public string[] PredictedLabels { get; set; } = [];
        public float[] Score { get; set; } = [];
    }
}
