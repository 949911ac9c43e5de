using System.Diagnostics;
using Microsoft.ML;
using MLNetPipelines.Common;

namespace MLNetPipelines.MultipleChoice;

/// <summary>Trains the reply picker, evaluates it on held-out requests, saves the zip, reloads it and picks replies to unseen requests.</summary>
public static class SampleRun
{
    /// <summary>Requests in neither data file, in six languages, each with four replies (the right one first, shuffled when shown).</summary>
    public static readonly IReadOnlyList<ReplyModel.ModelInput> Unseen =
    [
        Row("en", "Any chance of sunshine on Sunday?", "Here is today's forecast.", "Now playing your music.", "Okay, your alarm is set.", "Here is the route to get there."),
        Row("fr", "Réveille-moi avant le lever du soleil.", "C'est noté, le réveil est programmé.", "Voici les prévisions météo.", "Je lance la musique.", "Voici l'itinéraire pour y aller."),
        Row("de", "Ich hätte gern einen Tisch beim Griechen.", "Ich habe ein Restaurant gefunden und einen Tisch reserviert.", "Hier ist die Wettervorhersage.", "Ich spiele deine Musik ab.", "Alles klar, der Wecker ist gestellt."),
        Row("ru", "Как проехать к стадиону?", "Вот маршрут, как туда добраться.", "Вот прогноз погоды.", "Включаю вашу музыку.", "Готово, будильник поставлен."),
        Row("zh", "来点周末听的歌。", "正在播放你的音乐。", "这是天气预报。", "好的，闹钟已设好。", "这是去那里的路线。"),
        Row("ar", "أريد أن أستيقظ مبكرا غدا.", "حسنا، تم ضبط المنبه.", "هذه توقعات الطقس.", "جار تشغيل موسيقاك.", "هذا هو الطريق للوصول إلى هناك."),
    ];

    /// <summary>Runs every step, printing as it goes.</summary>
    public static void Run(SampleArguments arguments, CancellationToken cancellationToken)
    {
        var mlContext = new MLContext(seed: 1);
        var trainingData = SampleData.TrainingRows(mlContext,
            ReplyModel.LoadData(mlContext, SampleData.File(ReplyModel.TrainingFile)), arguments, quickRows: 120);
        var testData = ReplyModel.LoadData(mlContext, SampleData.File(ReplyModel.TestFile));

        Console.WriteLine($"Training the reply picker from {StartingWeights.Describe(arguments.Model, arguments.RandomWeights)}");
        var clock = Stopwatch.StartNew();
        var model = ReplyModel.Train(mlContext, trainingData, ReplyModel.TrainerOptions(arguments, cancellationToken));
        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s.");

        var metrics = ReplyModel.Evaluate(mlContext, model, testData);
        Console.WriteLine($"Held-out metrics ({ReplyModel.TestFile}, requests not seen in training):");
        Console.WriteLine($"  accuracy {metrics.MicroAccuracy:F3}   log loss {metrics.LogLoss:F3}   chance {1.0 / Unseen[0].Choices.Length:F3}");

        ModelFile.Save(mlContext, model, trainingData.Schema, arguments.ModelZip);
        (model as IDisposable)?.Dispose();

        Console.WriteLine("Reloaded the zip, as a production app would, and picked replies to requests seen in neither file:");
        Predict(arguments.ModelZip, Unseen);
    }

    /// <summary>Loads the zip through <see cref="ReplyModel"/> and prints the reply picked for each request.</summary>
    public static void Predict(string modelZip, IEnumerable<ReplyModel.ModelInput> rows)
    {
        using var picker = new ReplyModel(modelZip);
        foreach (var row in rows)
        {
            var output = picker.Predict(row);
            string verdict = row.Label == output.PredictedChoice ? "right" : $"expected: {row.Choices[row.Label]}";
            Console.WriteLine($"  [{row.Language,-2}] {row.Prompt} -> {row.Choices[output.PredictedChoice]} p={output.Score[output.PredictedChoice]:F2} ({verdict})");
        }
    }

    /// <summary>A request whose right reply is <paramref name="right"/>, placed among the others by a fixed rotation.</summary>
    private static ReplyModel.ModelInput Row(string language, string prompt, string right, params string[] wrong)
    {
        uint label = (uint)(prompt.Length % (wrong.Length + 1));
        var choices = wrong.ToList();
        choices.Insert((int)label, right);
        return new ReplyModel.ModelInput { Language = language, Prompt = prompt, Choices = [.. choices], Label = label };
    }
}
