using System.Diagnostics;
using Microsoft.ML;
using MLNetPipelines.Common;

namespace MLNetPipelines.NamedEntityRecognition;

/// <summary>Trains the entity tagger, evaluates it on held-out sentences, saves the zip, reloads it and tags unseen sentences.</summary>
public static class SampleRun
{
    /// <summary>Sentences in neither data file, one per language, as words separated by single spaces.</summary>
    public static readonly IReadOnlyList<(string Language, string Words)> Unseen =
    [
        ("en", "Yesterday Hannah Lee drove to Edinburgh ."),
        ("fr", "Nicolas habite maintenant à Strasbourg ."),
        ("es", "Valentina Gómez trabaja en Valparaíso ."),
        ("de", "Gestern hat Jakob in Stuttgart gegessen ."),
        ("ru", "Павел вчера вернулся в Самару ."),
        ("ja", "鈴木 花子 は 名古屋 で 働いて います 。"),
        ("zh", "刘 强 今天 去 了 重庆 。"),
        ("ar", "زار كريم مدينة مراكش ."),
        ("hi", "सीमा कल पटना पहुँची ।"),
    ];

    /// <summary>Runs every step, printing as it goes.</summary>
    public static void Run(SampleArguments arguments, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext(seed: 1);
        var trainingData = SampleData.TrainingRows(mlContext,
            EntityModel.LoadData(mlContext, SampleData.File(EntityModel.TrainingFile)), arguments, quickRows: 90);
        var testData = EntityModel.LoadData(mlContext, SampleData.File(EntityModel.TestFile));

        Console.WriteLine($"Training the entity tagger from {StartingWeights.Describe(arguments.Model, arguments.RandomWeights)}");
        var clock = Stopwatch.StartNew();
        var model = EntityModel.Train(mlContext, trainingData, EntityModel.TrainerOptions(arguments, cancellationToken));
        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");

        var metrics = EntityModel.Evaluate(mlContext, model, testData);
        Console.WriteLine($"Held-out metrics ({EntityModel.TestFile}, names, places and sentences not seen in training):");
        Console.WriteLine($"  entity F1 {metrics.F1Score:F3}   precision {metrics.Precision:F3}   recall {metrics.Recall:F3}   " +
                          $"word accuracy {metrics.TokenAccuracy:F3}   (tagging every word O scores F1 0)");
        Console.WriteLine(metrics.ToReport());

        ModelFile.Save(mlContext, model, trainingData.Schema, arguments.ModelZip);
        (model as IDisposable)?.Dispose();

        Console.WriteLine("Reloaded the zip, as a production app would, and tagged sentences seen in neither file:");
        Predict(arguments.ModelZip, Unseen);
    }

    /// <summary>Loads the zip through <see cref="EntityModel"/> and prints each sentence with the tag of every word not tagged O.</summary>
    public static void Predict(string modelZip, IEnumerable<(string Language, string Words)> sentences)
    {
        using var tagger = new EntityModel(modelZip);
        foreach (var (language, text) in sentences)
        {
            string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var output = tagger.Predict(new EntityModel.ModelInput { Words = words });
            var tagged = words.Zip(output.PredictedTags, (word, tag) => tag == "O" ? word : $"{word}[{tag}]");
            Console.WriteLine($"  [{language,-2}] {string.Join(' ', tagged)}");
        }
    }
}
