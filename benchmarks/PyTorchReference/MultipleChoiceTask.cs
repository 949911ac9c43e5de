using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Transforms;
using MLNetPipelines.Common;
using MLNetPipelines.MultipleChoice;

namespace PyTorchReference;

/// <summary>The reply-picking sample: held-out accuracy of RemBertForMultipleChoice over 4 replies per request.</summary>
internal sealed class MultipleChoiceTask : BenchmarkTask
{
    public override string Name => "multiple choice";
    public override string MetricName => "accuracy";
    public override string ReferenceHead => "choice";

    public override RemBertTrainerOptions Options(int seed) => Typed(seed);

    private static RemBertMultipleChoiceOptions Typed(int seed, int? epochs = null) => WithSeed(ReplyModel.TrainerOptions(SampleArguments(), CancellationToken.None), seed, epochs);

    private static (MLContext, IDataView Train, IDataView Test) Data()
    {
        var mlContext = new MLContext(seed: 1);
        return (mlContext, ReplyModel.LoadData(mlContext, SampleData.File(ReplyModel.TrainingFile)),
            ReplyModel.LoadData(mlContext, SampleData.File(ReplyModel.TestFile)));
    }

    // The sample's label conversion: choice index to a key ordered by value, so key k is choice k - 1.
    private static IEstimator<ITransformer> LabelToKey(MLContext mlContext, string label)
        => mlContext.Transforms.Conversion.MapValueToKey(label, label, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue);

    public override double TrainOurs(int seed, int? epochs)
    {
        var (mlContext, train, test) = Data();
        var model = ReplyModel.Train(mlContext, train, Typed(seed, epochs));
        try { return ReplyModel.Evaluate(mlContext, model, test).MicroAccuracy; }
        finally { Release(model); }
    }

    // The training rows as our trainer reads them, with the tokenizer they were read with.
    private static (MultipleChoiceExample.Set, RemBertTokenizer) Examples()
    {
        var (mlContext, train, _) = Data();
        var options = Typed(1);
        var keyed = LabelToKey(mlContext, options.LabelColumnName).Fit(train).Transform(train);
        var tokenizer = RemBertTokenizer.FromPretrained(options.Model);
        var encoder = new MultipleChoiceEncoder(tokenizer, options.PromptColumnName, options.ChoicesColumnName, options.MaxSequenceLength);
        return (MultipleChoiceExample.ReadAll(keyed, encoder, options.LabelColumnName, null, "training data", null, CancellationToken.None), tokenizer);
    }

    public override double InitialLoss(string directory)
    {
        var (set, tokenizer) = Examples();
        return FirstBatchLoss<MultipleChoiceExample, RemBertForMultipleChoice>(directory, new MultipleChoiceTrainingTask(tokenizer.PadTokenId), set.Examples, Typed(1).BatchSize);
    }

    public override void WriteFeatures(string path)
    {
        var (set, _) = Examples();
        using var writer = new FeatureWriter(path, ReferenceHead, labels: null);
        foreach (var example in set.Examples)
            writer.Example(json =>
            {
                FeatureWriter.Rows(json, "ids", example.Choices.Select(choice => choice.InputIds.Select(id => (long)id)));
                FeatureWriter.Rows(json, "types", example.Choices.Select(choice => choice.TokenTypeIds.Select(id => (long)id)));
                json.WriteNumber("label", example.Label);
            });
        writer.Complete();
    }

    public override double EvaluateCheckpoint(string directory)
    {
        var (mlContext, train, test) = Data();
        var options = Typed(1);
        var pipeline = LabelToKey(mlContext, options.LabelColumnName)
            .Append(mlContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            {
                Model = directory,
                Task = RemBertApplyTask.MultipleChoice,
                PromptColumnName = options.PromptColumnName,
                ChoicesColumnName = options.ChoicesColumnName,
                MaxSequenceLength = options.MaxSequenceLength,
                PredictedLabelColumnName = options.PredictedLabelColumnName,
                Device = "cpu",
            }))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedChoice", options.PredictedLabelColumnName));
        var model = pipeline.Fit(train);
        try { return ReplyModel.Evaluate(mlContext, model, test).MicroAccuracy; }
        finally { Release(model); }
    }
}
