using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.TextClassification;

namespace PyTorchReference;

/// <summary>The intent sample: held-out accuracy of RemBertForSequenceClassification over 5 intents.</summary>
internal sealed class TextClassificationTask : BenchmarkTask
{
    public override string Name => "text classification";
    public override string MetricName => "accuracy";
    public override string ReferenceHead => "sequence";

    public override RemBertTrainerOptions Options(int seed) => Typed(seed);

    private static RemBertTextClassificationOptions Typed(int seed, int? epochs = null) => WithSeed(IntentModel.TrainerOptions(SampleArguments(), CancellationToken.None), seed, epochs);

    private static (MLContext, IDataView Train, IDataView Test) Data()
    {
        var mlContext = new MLContext(seed: 1);
        return (mlContext, IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TrainingFile)),
            IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TestFile)));
    }

    public override double TrainOurs(int seed, int? epochs)
    {
        var (mlContext, train, test) = Data();
        var model = IntentModel.Train(mlContext, train, Typed(seed, epochs));
        try { return IntentModel.Evaluate(mlContext, model, test).MicroAccuracy; }
        finally { Release(model); }
    }

    // The training examples as our trainer reads them, with the head and tokenizer they were read with.
    private static (List<SequenceExample>, MulticlassProblem, RemBertTokenizer) Examples()
    {
        var (mlContext, train, _) = Data();
        var options = Typed(1);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train);
        var head = MulticlassProblem.ForLabel(keyed.Schema[options.LabelColumnName], "training data", "PredictedLabel", "Score");
        var tokenizer = RemBertTokenizer.FromPretrained(options.Model);
        var encoder = new SequenceEncoder(tokenizer, options.Sentence1ColumnName, options.Sentence2ColumnName, options.MaxSequenceLength);
        return (SequenceExample.ReadAll(keyed, encoder, head, options.LabelColumnName, null, "training data", CancellationToken.None), head, tokenizer);
    }

    public override double InitialLoss(string directory)
    {
        var (examples, head, tokenizer) = Examples();
        return FirstBatchLoss<SequenceExample, RemBertForSequenceClassification>(directory, new SequenceTrainingTask(head, tokenizer.PadTokenId), examples, Typed(1).BatchSize);
    }

    public override void WriteFeatures(string path)
    {
        var (examples, head, _) = Examples();
        using var writer = new FeatureWriter(path, ReferenceHead, head.LabelNames);
        foreach (var example in examples)
            writer.Example(json =>
            {
                FeatureWriter.Numbers(json, "ids", example.Windows[0].InputIds.Select(id => (long)id));
                FeatureWriter.Numbers(json, "types", example.Windows[0].TokenTypeIds.Select(id => (long)id));
                json.WriteNumber("label", (int)example.Label[0]);
            });
        writer.Complete();
    }

    public override double EvaluateCheckpoint(string directory)
    {
        var (mlContext, train, test) = Data();
        var options = Typed(1);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            {
                Model = directory,
                Task = RemBertApplyTask.TextClassification,
                Sentence1ColumnName = options.Sentence1ColumnName,
                MaxSequenceLength = options.MaxSequenceLength,
                Device = "cpu",
            }))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(train);
        try { return IntentModel.Evaluate(mlContext, model, test).MicroAccuracy; }
        finally { Release(model); }
    }
}
