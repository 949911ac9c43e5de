using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;

/// <summary>
/// The multiple-choice trainer end to end on the multilingual paraphrase task of <see cref="ChoiceData"/>: MapValueToKey
/// (keys by first appearance, so not in choice order), RemBertMultipleChoice, ML.NET's multiclass evaluator, and the
/// saved zip scored again in a new process with identical results.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MultipleChoiceTrainerTests(ITestOutputHelper output) : TrainerTestBase
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void LearnsToPickTheParaphraseEvaluatesAndReloadsInAnotherProcess()
    {
        var train = MLContext.Data.LoadFromEnumerable(ChoiceData.Rows(240, seed: 1).Select(ChoiceData.FixedChoiceRow.From));
        var testRows = ChoiceData.Rows(80, seed: 2).Select(ChoiceData.FixedChoiceRow.From).ToArray();
        var test = MLContext.Data.LoadFromEnumerable(testRows);
        var pipeline = MLContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(MLContext.MulticlassClassification.Trainers.RemBertMultipleChoice(new RemBertMultipleChoiceOptions
            {
                Model = KeywordData.BaseCheckpoint,
                MaxEpochs = 12,
                BatchSize = 16,
                LearningRate = 2e-3,
                WarmupRatio = 0.1,
                MaxSequenceLength = 32,
                Seed = 1,
            }));

        var model = pipeline.Fit(train);
        var trained = model.OfType<RemBertMultipleChoiceTransformer>().Single();
        var scored = model.Transform(test);
        var metrics = MLContext.MulticlassClassification.Evaluate(scored);
        output.WriteLine($"micro accuracy {metrics.MicroAccuracy:F3}, macro accuracy {metrics.MacroAccuracy:F3}, log-loss {metrics.LogLoss:F3}; classes {string.Join(",", trained.ChoiceOfClass)}");
        Assert.True(metrics.MicroAccuracy >= 0.75, $"micro accuracy {metrics.MicroAccuracy} (chance is 0.25)");

        // The keys are numbered by first appearance, so class order is not choice order: PredictedLabel's key values and
        // Score's slot names say which choice each means, and Evaluate's accuracy is the share of right choices.
        Assert.NotEqual([0, 1, 2, 3], trained.ChoiceOfClass);
        var labelKeyValues = default(VBuffer<uint>);
        scored.Schema["Label"].GetKeyValues(ref labelKeyValues);
        Assert.Equal(labelKeyValues.DenseValues().Select(value => (int)value), trained.ChoiceOfClass);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        var choiceOfSlot = slotNames.DenseValues().Select(name => int.Parse(name.ToString())).ToArray();
        Assert.Equal(trained.ChoiceOfClass, choiceOfSlot);
        var chosen = MLContext.Transforms.Conversion.MapKeyToValue("PredictedChoice", "PredictedLabel").Fit(scored).Transform(scored);
        var predictions = MLContext.Data.CreateEnumerable<Prediction>(chosen, reuseRowObject: false).ToArray();
        Assert.All(predictions, row => Assert.Equal(1.0, row.Score.Sum(), 4));
        Assert.All(predictions, row => Assert.Equal((uint)choiceOfSlot[Array.IndexOf(row.Score, row.Score.Max())], row.PredictedChoice));
        double right = predictions.Zip(testRows).Count(pair => pair.First.PredictedChoice == pair.Second.Label) / (double)testRows.Length;
        Assert.Equal(right, metrics.MicroAccuracy, 9);

        var reloaded = PredictInChildProcess(model, train, testRows, "PredictedLabel", "Score");
        Assert.Equal(predictions.Length, reloaded.Length);
        for (int i = 0; i < predictions.Length; i++)
        {
            Assert.Equal(predictions[i].PredictedLabel, reloaded[i].GetProperty("PredictedLabel").GetUInt32());
            Assert.Equal(predictions[i].Score, Floats(reloaded[i].GetProperty("Score")));
        }
        trained.Dispose();
    }

    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
        public uint PredictedChoice { get; set; }
        public float[] Score { get; set; } = [];
    }
}
