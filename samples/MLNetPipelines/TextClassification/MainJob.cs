using System.Diagnostics;
using Microsoft.ML;
using MLNetPipelines.Common;

namespace MLNetPipelines.TextClassification;

/// <summary>What one run of the main job measured.</summary>
/// <param name="MicroAccuracy">Held-out accuracy over all rows.</param>
/// <param name="MacroAccuracy">Held-out accuracy averaged over the intents.</param>
/// <param name="Classes">The number of intents (chance accuracy is 1 / Classes).</param>
/// <param name="TrainingTime">Wall time of <c>Fit</c>.</param>
public sealed record MainJobResult(double MicroAccuracy, double MacroAccuracy, int Classes, TimeSpan TrainingTime);

/// <summary>
/// The README's first command: trains the intent classifier, evaluates it on held-out requests, saves the zip,
/// reloads it through the consumption code and predicts requests it has never seen, in nine languages.
/// </summary>
public static class MainJob
{
    /// <summary>Runs every step, printing as it goes.</summary>
    public static MainJobResult Run(SampleArguments arguments, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext(seed: 1);
        var trainingData = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TrainingFile));
        var testData = IntentModel.LoadData(mlContext, SampleData.File(IntentModel.TestFile));

        Console.WriteLine($"Training the intent classifier from {StartingWeights.Describe(arguments.Model, arguments.RandomWeights)}");
        var options = IntentModel.TrainerOptions(arguments, cancellationToken);
        var clock = Stopwatch.StartNew();
        var model = IntentModel.Train(mlContext, trainingData, options);
        var trainingTime = clock.Elapsed;
        Console.WriteLine($"Trained in {trainingTime.TotalSeconds:F1} s.");

        var metrics = IntentModel.Evaluate(mlContext, model, testData);
        int classes = metrics.PerClassLogLoss.Count;
        Console.WriteLine($"Held-out metrics ({IntentModel.TestFile}, sentences not seen in training):");
        Console.WriteLine($"  micro accuracy {metrics.MicroAccuracy:F3}   macro accuracy {metrics.MacroAccuracy:F3}   " +
                          $"log loss {metrics.LogLoss:F3}   chance {1.0 / classes:F3}");
        foreach (var (language, accuracy) in IntentModel.AccuracyByLanguage(mlContext, model, testData))
            Console.WriteLine($"  {language}: accuracy {accuracy:F3}");
        Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

        ModelFile.Save(mlContext, model, trainingData.Schema, arguments.ModelZip);
        (model as IDisposable)?.Dispose();

        Console.WriteLine("Reloaded the zip, as a production app would, and predicted requests seen in neither file:");
        PredictUnseen(arguments.ModelZip);
        return new MainJobResult(metrics.MicroAccuracy, metrics.MacroAccuracy, classes, trainingTime);
    }

    /// <summary>Loads the zip through <see cref="IntentModel"/> and predicts the sample's unseen requests.</summary>
    public static void PredictUnseen(string modelZip)
    {
        var mlContext = new MLContext();
        var unseen = mlContext.Data.CreateEnumerable<IntentModel.ModelInput>(
            IntentModel.LoadData(mlContext, SampleData.File(IntentModel.UnseenFile)), reuseRowObject: false).ToList();
        Predict(modelZip, unseen);
    }

    /// <summary>Loads the zip through <see cref="IntentModel"/> and prints one line per input: language, prediction, probability, text.</summary>
    public static void Predict(string modelZip, IReadOnlyList<IntentModel.ModelInput> inputs)
    {
        using var classifier = new IntentModel(modelZip);
        foreach (var input in inputs)
        {
            var output = classifier.Predict(input);
            string expected = input.Label.Length == 0 ? "" : $" (expected {input.Label})";
            Console.WriteLine($"  [{input.Language,-2}] {output.PredictedLabel,-10} p={output.Score.Max():F2}{expected}  {input.Sentence1}");
        }
    }
}
