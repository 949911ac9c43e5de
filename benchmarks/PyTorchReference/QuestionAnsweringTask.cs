using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;
using MLNetPipelines.Common;
using MLNetPipelines.QuestionAnswering;

namespace PyTorchReference;

/// <summary>
/// The question-answering sample (SQuAD 2.0 style, a third of the questions unanswerable): held-out SQuAD F1 of
/// RemBertForQuestionAnswering. The reference trains on our trainer's windows and start/end targets ([CLS] = 0 when
/// the window holds no answer).
/// </summary>
internal sealed class QuestionAnsweringTask : BenchmarkTask
{
    public override string Name => "question answering";
    public override string MetricName => "SQuAD F1";
    public override string ReferenceHead => "qa";

    public override RemBertTrainerOptions Options(int seed) => Typed(seed);

    private static RemBertQuestionAnsweringOptions Typed(int seed, int? epochs = null) => WithSeed(AnswerModel.TrainerOptions(SampleArguments(), CancellationToken.None), seed, epochs);

    private static (MLContext, IDataView Train, IDataView Test) Data()
    {
        var mlContext = new MLContext(seed: 1);
        return (mlContext, AnswerModel.LoadData(mlContext, SampleData.File(AnswerModel.TrainingFile)),
            AnswerModel.LoadData(mlContext, SampleData.File(AnswerModel.TestFile)));
    }

    public override double TrainOurs(int seed, int? epochs)
    {
        var (mlContext, train, test) = Data();
        var model = AnswerModel.Train(mlContext, train, Typed(seed, epochs));
        try { return AnswerModel.Evaluate(mlContext, model, test).F1Score; }
        finally { Release(model); }
    }

    // The training windows as our trainer reads them, with the tokenizer they were read with.
    private static (List<QuestionAnsweringExample>, RemBertTokenizer) Examples()
    {
        var (_, train, _) = Data();
        var options = Typed(1);
        var tokenizer = RemBertTokenizer.FromPretrained(options.Model);
        var encoder = new QuestionAnsweringEncoder(tokenizer, options.ContextColumnName, options.QuestionColumnName,
            options.MaxSequenceLength, options.EffectiveDocumentStride);
        var (_, examples) = QuestionAnsweringData.ReadAll(train, encoder, options.TrainingAnswerColumnName, options.AnswerIndexColumnName,
            "training data", CancellationToken.None);
        return (examples, tokenizer);
    }

    public override double InitialLoss(string directory)
    {
        var (examples, tokenizer) = Examples();
        var options = Typed(1);
        var task = new QuestionAnsweringTrainingTask(new AnswerSpanSelector(options.TopK, options.MaxAnswerLength), tokenizer.PadTokenId);
        return FirstBatchLoss<QuestionAnsweringExample, RemBertForQuestionAnswering>(directory, task, examples, options.BatchSize);
    }

    public override void WriteFeatures(string path)
    {
        var (examples, _) = Examples();
        using var writer = new FeatureWriter(path, ReferenceHead, labels: null);
        foreach (var example in examples)
            writer.Example(json =>
            {
                FeatureWriter.Numbers(json, "ids", example.Window.InputIds.Select(id => (long)id));
                FeatureWriter.Numbers(json, "types", example.Window.TokenTypeIds.Select(id => (long)id));
                json.WriteNumber("start", example.StartPosition);
                json.WriteNumber("end", example.EndPosition);
            });
        writer.Complete();
    }

    public override double EvaluateCheckpoint(string directory)
    {
        var (mlContext, train, test) = Data();
        var options = Typed(1);
        var pipeline = mlContext.Transforms.ApplyRemBertModel(new RemBertApplyOptions
        {
            Model = directory,
            Task = RemBertApplyTask.QuestionAnswering,
            ContextColumnName = options.ContextColumnName,
            QuestionColumnName = options.QuestionColumnName,
            MaxSequenceLength = options.MaxSequenceLength,
            DocumentStride = options.EffectiveDocumentStride,
            TopK = options.TopK,
            MaxAnswerLength = options.MaxAnswerLength,
            Device = "cpu",
        });
        var model = pipeline.Fit(train);
        try { return AnswerModel.Evaluate(mlContext, model, test).F1Score; }
        finally { Release(model); }
    }
}
