using System.Diagnostics;
using Microsoft.ML;
using MLNetPipelines.Common;

namespace MLNetPipelines.QuestionAnswering;

/// <summary>Trains the question answerer, evaluates it on held-out questions, saves the zip, reloads it and answers unseen questions.</summary>
public static class SampleRun
{
    /// <summary>Questions about contexts in neither data file, in five languages; the last one's context does not answer it.</summary>
    public static readonly IReadOnlyList<(string Language, string Context, string Question)> Unseen =
    [
        ("en", "Grace Miller grew up near the sea. Today Grace Miller lives in Cardiff and works as a chemist.", "Where does Grace Miller live?"),
        ("fr", "Louis Garnier a grandi à la campagne. Aujourd'hui, Louis Garnier habite à Rennes et travaille comme plombier.", "Quel est le métier de Louis Garnier ?"),
        ("de", "Clara Becker ist am Meer aufgewachsen. Heute wohnt Clara Becker in Bremen und arbeitet als Tischlerin.", "Wo wohnt Clara Becker?"),
        ("ja", "中村 葵は海の近くで育ちました。今、中村 葵は広島に住んでいて、薬剤師として働いています。", "中村 葵はどこに住んでいますか？"),
        ("es", "Irene Navarro creció en el campo. Hoy Irene Navarro vive en Málaga y trabaja como fotógrafa.", "¿Dónde vive Tomás?"),
    ];

    /// <summary>Runs every step, printing as it goes.</summary>
    public static void Run(SampleArguments arguments, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext(seed: 1);
        var trainingData = SampleData.TrainingRows(mlContext,
            AnswerModel.LoadData(mlContext, SampleData.File(AnswerModel.TrainingFile)), arguments, quickRows: 108);
        var testData = AnswerModel.LoadData(mlContext, SampleData.File(AnswerModel.TestFile));

        Console.WriteLine($"Training the question answerer from {StartingWeights.Describe(arguments.Model, arguments.RandomWeights)}");
        var clock = Stopwatch.StartNew();
        var model = AnswerModel.Train(mlContext, trainingData, AnswerModel.TrainerOptions(arguments, cancellationToken));
        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");

        var metrics = AnswerModel.Evaluate(mlContext, model, testData);
        Console.WriteLine($"Held-out metrics ({AnswerModel.TestFile}, people, places and jobs not seen in training):");
        Console.WriteLine($"  exact match {metrics.ExactMatch:F1}   F1 {metrics.F1Score:F1}   " +
                          $"(answerable: F1 {metrics.HasAnswerF1Score:F1} on {metrics.HasAnswerCount}; unanswerable: {metrics.NoAnswerExactMatch:F1} on {metrics.NoAnswerCount}; " +
                          $"always answering \"no answer\" scores {100.0 * metrics.NoAnswerCount / metrics.Count:F1})");

        ModelFile.Save(mlContext, model, trainingData.Schema, arguments.ModelZip);
        (model as IDisposable)?.Dispose();

        Console.WriteLine("Reloaded the zip, as a production app would, and answered questions about unseen contexts:");
        Predict(arguments.ModelZip, Unseen);
    }

    /// <summary>Loads the zip through <see cref="AnswerModel"/> and prints the best answer to each question.</summary>
    public static void Predict(string modelZip, IEnumerable<(string Language, string Context, string Question)> questions)
    {
        using var answerer = new AnswerModel(modelZip);
        foreach (var (language, context, question) in questions)
        {
            var output = answerer.Predict(new AnswerModel.ModelInput { Context = context, Question = question });
            string best = output.Answer.Length == 0 || output.Answer[0].Length == 0 ? "(no answer)" : output.Answer[0];
            float score = output.Score.Length == 0 ? 0 : output.Score[0];
            Console.WriteLine($"  [{language,-2}] {question} -> {best} p={score:F2}");
        }
    }
}
