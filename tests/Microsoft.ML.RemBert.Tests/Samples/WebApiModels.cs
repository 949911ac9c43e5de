using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// Zips of tiny models (trained one epoch from random weights: seconds) with the columns the four samples' zips have,
/// for the Web API tests; saved atomically, as the samples save.
/// </summary>
internal static class WebApiModels
{
    /// <summary>Intent classification: MapValueToKey → RemBERT → MapKeyToValue over Sentence1 (and a Label column).</summary>
    public static string Intents(MLContext mlContext, string path, int seed, RemBertConfig? config = null)
    {
        var options = TinyTraining.Multiclass();
        options.MaxEpochs = 1;
        options.Seed = seed;
        if (config is not null)
            options.Config = config;
        var data = mlContext.Data.LoadFromEnumerable(KeywordData.IntentRows(48, seed: 1));
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.MulticlassClassification.Trainers.RemBert(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        return Save(mlContext, model, data.Schema, path);
    }

    /// <summary>Question answering over Context and Question (with the training columns TrainingAnswer and AnswerIndex).</summary>
    public static string Answers(MLContext mlContext, string path)
    {
        var options = QuestionAnsweringBadInputTests.Tiny();
        options.MaxEpochs = 1;
        var data = mlContext.Data.LoadFromEnumerable(AnswerData.Rows(16, seed: 1, sentences: 5));
        return Save(mlContext, mlContext.MulticlassClassification.Trainers.RemBertQuestionAnswer(options).Fit(data), data.Schema, path);
    }

    /// <summary>Multiple choice over Prompt and Choices (with a UInt32 Label).</summary>
    public static string Choices(MLContext mlContext, string path)
    {
        var options = TinyTraining.Options(new RemBertMultipleChoiceOptions());
        options.MaxEpochs = 1;
        var data = mlContext.Data.LoadFromEnumerable(ChoiceData.Rows(24, seed: 1));
        return Save(mlContext, mlContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(data), data.Schema, path);
    }

    /// <summary>Named entities: MapValueToKey(Tags) → RemBERT → MapKeyToValue(PredictedTags) over Sentence1.</summary>
    public static string Entities(MLContext mlContext, string path)
    {
        var options = TinyTraining.Options(new RemBertNamedEntityRecognitionOptions());
        options.MaxEpochs = 1;
        options.Stride = 4;
        var data = mlContext.Data.LoadFromEnumerable(NamedEntityData.SpacedRows(48, seed: 1));
        var model = mlContext.Transforms.Conversion.MapValueToKey("Label", "Tags")
            .Append(mlContext.MulticlassClassification.Trainers.RemBertNamedEntityRecognition(options))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabel"))
            .Fit(data);
        return Save(mlContext, model, data.Schema, path);
    }

    /// <summary>Replaces <paramref name="target"/> with a copy of <paramref name="source"/> by an atomic rename, as our saves do.</summary>
    public static void Replace(string target, string source)
        => AtomicFile.Write(target, stream =>
        {
            using var file = File.OpenRead(source);
            file.CopyTo(stream);
        });

    private static string Save(MLContext mlContext, ITransformer model, DataViewSchema schema, string path)
    {
        AtomicFile.Write(path, stream => mlContext.Model.Save(model, schema, stream));
        (model as IDisposable)?.Dispose();
        return path;
    }
}
