using System.Text.Json;
using Microsoft.ML.RemBert.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultiLabel;

/// <summary>
/// A multi-label model leaves ML.NET and comes back: SaveAsPretrained writes transformers' RemBertForSequenceClassification
/// with <c>problem_type: multi_label_classification</c> and the labels, ApplyRemBertModel turns it back into the same
/// transformer with identical scores, and the batching prediction engine answers as PredictionEngine does.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MultiLabelPortabilityTests : MLNetFileTestBase
{
    [Fact]
    public async Task SaveAsPretrainedApplyAndBatchingServeTheSamePredictions()
    {
        var train = MLContext.Data.LoadFromEnumerable(MultiLabelData.Rows(16, seed: 5));
        var options = TinyTraining.Options(new RemBertMultiLabelOptions { MaxEpochs = 1, Threshold = 0.45f });
        using var trained = MLContext.MulticlassClassification.Trainers.RemBertMultiLabel(options).Fit(train);
        var rows = MultiLabelData.Rows(12, seed: 6);
        var test = MLContext.Data.LoadFromEnumerable(rows);
        var expected = Predictions(trained, test);

        string directory = Path.Combine(TempDirectory, "exported");
        trained.SaveAsPretrained(directory);
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json"))).RootElement;
        Assert.Equal("multi_label_classification", config.GetProperty("problem_type").GetString());
        Assert.Equal("RemBertForSequenceClassification", config.GetProperty("architectures")[0].GetString());
        Assert.Equal(trained.LabelNames, Enumerable.Range(0, 3).Select(i => config.GetProperty("id2label").GetProperty($"{i}").GetString()));

        // The task follows from problem_type; the threshold is the applier's option, as it was the trainer's.
        using var applied = (RemBertMultiLabelTransformer)MLContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions { Model = directory, Threshold = 0.45f, MaxSequenceLength = 24 }).Fit(test);
        Assert.Equal(trained.LabelNames, applied.LabelNames);
        var reapplied = Predictions(applied, test);
        Assert.Equal(expected.Select(row => row.Score), reapplied.Select(row => row.Score));
        Assert.Equal(expected.Select(row => row.PredictedLabels), reapplied.Select(row => row.PredictedLabels));

        var asMulticlass = Record.Exception(() => MLContext.Transforms.ApplyRemBertModel(
            new RemBertApplyOptions { Model = directory, Task = RemBertApplyTask.TextClassification, MaxSequenceLength = 24 }).Fit(test));
        Assert.Contains("apply it as MultiLabelClassification", asMulticlass?.Message);

        var batching = MLContext.Model.CreateBatchingPredictionEngine<MultiLabelData.Row, MultiLabelData.Prediction>(trained);
        await using (batching)
        {
            var served = await Task.WhenAll(rows.Select(row => batching.PredictAsync(row))).WaitAsync(TimeSpan.FromMinutes(2));
            // Batches pad rows to another length than one row alone: equal within float rounding, as the other tasks' engines.
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(expected[i].Score.Length, served[i].Score.Length);
                for (int label = 0; label < expected[i].Score.Length; label++)
                    Assert.Equal(expected[i].Score[label], served[i].Score[label], 1e-5f);
                Assert.Equal(expected[i].PredictedLabels, served[i].PredictedLabels);
            }
        }
    }

    private MultiLabelData.Prediction[] Predictions(ITransformer model, IDataView data)
        => MLContext.Data.CreateEnumerable<MultiLabelData.Prediction>(model.Transform(data), reuseRowObject: false).ToArray();
}
