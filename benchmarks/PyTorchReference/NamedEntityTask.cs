using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.NamedEntityRecognition;

namespace PyTorchReference;

/// <summary>
/// The entity sample: held-out entity F1 (seqeval's definition) of RemBertForTokenClassification. The reference trains
/// on our trainer's windows: each word's first piece carries its tag, the other pieces and [CLS]/[SEP] -100.
/// </summary>
internal sealed class NamedEntityTask : BenchmarkTask
{
    public override string Name => "NER";
    public override string MetricName => "entity F1";
    public override string ReferenceHead => "token";

    public override RemBertTrainerOptions Options(int seed) => Typed(seed);

    private static RemBertNamedEntityRecognitionOptions Typed(int seed, int? epochs = null) => WithSeed(EntityModel.TrainerOptions(SampleArguments(), CancellationToken.None), seed, epochs);

    private static (MLContext, IDataView Train, IDataView Test) Data()
    {
        var mlContext = new MLContext(seed: 1);
        return (mlContext, EntityModel.LoadData(mlContext, SampleData.File(EntityModel.TrainingFile)),
            EntityModel.LoadData(mlContext, SampleData.File(EntityModel.TestFile)));
    }

    public override double TrainOurs(int seed, int? epochs)
    {
        var (mlContext, train, test) = Data();
        var model = EntityModel.Train(mlContext, train, Typed(seed, epochs));
        try { return EntityModel.Evaluate(mlContext, model, test).F1Score; }
        finally { Release(model); }
    }

    // The training windows as our trainer reads them, with the tag set and tokenizer they were read with.
    private static (List<NamedEntityExample>, TagSet, RemBertTokenizer) Examples()
    {
        var (mlContext, train, _) = Data();
        var options = Typed(1);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey(options.LabelColumnName, "Tags").Fit(train).Transform(train);
        var tags = TagSet.ForLabel(keyed.Schema, options.LabelColumnName, "training data");
        var tokenizer = RemBertTokenizer.FromPretrained(options.Model);
        var windows = new WordWindows(tokenizer, options.MaxSequenceLength, options.Stride);
        var examples = NamedEntityExample.ReadAll(keyed, WordSource.For(options.WordsColumnName, options.Sentence1ColumnName), windows, tags,
            options.LabelColumnName, "training data", CancellationToken.None);
        return (examples, tags, tokenizer);
    }

    public override double InitialLoss(string directory)
    {
        var (examples, tags, tokenizer) = Examples();
        return FirstBatchLoss<NamedEntityExample, RemBertForTokenClassification>(directory, new NamedEntityTrainingTask(tags, tokenizer.PadTokenId), examples, Typed(1).BatchSize);
    }

    public override void WriteFeatures(string path)
    {
        var (examples, tags, _) = Examples();
        using var writer = new FeatureWriter(path, ReferenceHead, tags.Names);
        foreach (var example in examples)
            writer.Example(json =>
            {
                FeatureWriter.Numbers(json, "ids", example.Window.InputIds.Select(id => (long)id));
                FeatureWriter.Numbers(json, "types", example.Window.InputIds.Select(_ => 0L));
                FeatureWriter.Numbers(json, "labels", example.Labels);
            });
        writer.Complete();
    }

    public override double EvaluateCheckpoint(string directory)
    {
        var (mlContext, train, test) = Data();
        var options = Typed(1);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey(options.LabelColumnName, "Tags")
            .Append(mlContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
            {
                Model = directory,
                Task = RemBertApplyTask.NamedEntityRecognition,
                WordsColumnName = options.WordsColumnName,
                MaxSequenceLength = options.MaxSequenceLength,
                Stride = options.Stride,
                PredictedLabelColumnName = options.PredictedLabelColumnName,
                Device = "cpu",
            }))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTags", options.PredictedLabelColumnName));
        var model = pipeline.Fit(train);
        try { return EntityModel.Evaluate(mlContext, model, test).F1Score; }
        finally { Release(model); }
    }
}
