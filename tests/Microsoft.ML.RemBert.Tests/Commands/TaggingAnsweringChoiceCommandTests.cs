using System.Text.Json;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Commands.CliOutput;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// <c>rembert train|evaluate|predict</c> for <c>ner</c> (CoNLL), <c>qa</c> (SQuAD 2.0 JSON) and <c>multiple-choice</c>
/// (JSON lines), in child processes, on tiny generated multilingual files and the tiny reference checkpoint: evaluate's
/// --json metrics agree with what predict writes for the same file (scored here by the library's evaluators), predict
/// reads both the task's file and JSON lines on stdin, and a malformed file given to evaluate or predict is named with
/// its line (or JSON key) and leaves no output.
/// </summary>
[Collection(TrainingCollection.Name)]
[Trait("Category", "Slow")] // each test trains in child processes: tens of seconds
public sealed class TaggingAnsweringChoiceCommandTests : IDisposable
{
    private static readonly string[] Small = ["--epochs", "2", "--batch-size", "8", "--learning-rate", "1e-3", "--max-length", "32", "--seed", "1", "--device", "cpu"];
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    /// <summary>Trains <paramref name="task"/> with validation and checks the report: the loss and validation curves, no confusion matrix.</summary>
    private string Train(string task, string train, string valid, string name)
    {
        string zip = directory.File(name + ".zip");
        var trained = RembertCli.Run(["train", task, "--model", KeywordData.BaseCheckpoint, "--train", train, "--valid", valid, "--output", zip, .. Small]);
        AssertSucceeded(trained);
        Assert.Contains("epoch 2/2: validation ", trained.StandardOutput);
        Assert.Contains($"Metrics on the validation data {Path.GetFileName(valid)}:", trained.StandardOutput);
        string report = File.ReadAllText(directory.File(name + ".report.html"));
        Assert.Equal(2, report.Split("data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("Confusion matrix", report);
        return zip;
    }

    private JsonElement Evaluate(string zip, string data, string task)
    {
        var evaluated = RembertCli.Run("evaluate", "--model", zip, "--data", data, "--json");
        AssertSucceeded(evaluated);
        var json = Json(evaluated.StandardOutput);
        Assert.Equal(task, json.GetProperty("task").GetString());
        return json;
    }

    private static List<JsonElement> Predict(params string[] arguments)
    {
        var predicted = RembertCli.Run(["predict", .. arguments]);
        AssertSucceeded(predicted);
        return JsonLines(predicted.StandardOutput);
    }

    private static List<JsonElement> PredictFromStandardInput(string zip, params string[] jsonLines)
    {
        string lines = string.Concat(jsonLines.Select(line => line + "\n"));
        string input = Path.Combine(Path.GetDirectoryName(zip)!, "stdin.txt");
        File.WriteAllText(input, lines);
        var piped = DotnetProcess.RunShell($"\"$DOTNET\" '{RembertCli.FindAssembly()}' predict --model '{zip}' < '{input}'", TimeSpan.FromMinutes(2));
        AssertSucceeded(piped);
        return JsonLines(piped.StandardOutput);
    }

    /// <summary>A bad file given to evaluate, and to predict with --output: exit 1, the file and <paramref name="where"/> named, no predictions file.</summary>
    private void AssertBadDataRefused(string zip, string bad, string where)
    {
        var evaluated = RembertCli.Run("evaluate", "--model", zip, "--data", bad);
        Assert.Equal(ExitCodes.BadInput, evaluated.ExitCode);
        Assert.Contains(bad, evaluated.StandardError);
        Assert.Contains(where, evaluated.StandardError);

        string output = directory.File("predictions.jsonl");
        var predicted = RembertCli.Run("predict", "--model", zip, "--input", bad, "--output", output);
        Assert.Equal(ExitCodes.BadInput, predicted.ExitCode);
        Assert.Contains(where, predicted.StandardError);
        Assert.False(File.Exists(output));
    }

    [SkippableFact]
    public void NerTrainsEvaluatesByEntityAndTagsEveryWord()
    {
        string train = CliTaskData.Entities(directory.File("train.conll"), 40, seed: 1);
        string valid = CliTaskData.Entities(directory.File("valid.conll"), 16, seed: 2);
        string zip = Train("ner", train, valid, "entities");

        var json = Evaluate(zip, valid, "ner");
        var metrics = json.GetProperty("metrics");
        var types = json.GetProperty("entityTypes");
        Assert.Equal(["LOC", "PER"], types.EnumerateObject().Select(type => type.Name).Where(name => name is "LOC" or "PER").Order());
        // Every generated sentence holds one person and one place.
        Assert.Equal(16, types.GetProperty("PER").GetProperty("support").GetDouble());
        Assert.Equal(32, metrics.GetProperty("entities").GetDouble());

        // predict on the CoNLL file (its tags ignored): one line per sentence, one tag per word, and the same F1 as evaluate.
        var sentences = File.ReadAllText(valid).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToArray()).ToList();
        var predictions = Predict("--model", zip, "--input", valid);
        Assert.Equal(sentences.Count, predictions.Count);
        var evaluator = new NamedEntityEvaluator();
        foreach (var (sentence, prediction) in sentences.Zip(predictions))
        {
            var tags = Strings(prediction.GetProperty("PredictedLabel"));
            Assert.Equal(sentence.Length, tags.Length);
            Assert.Equal(sentence.Length, prediction.GetProperty("Score").GetArrayLength());
            evaluator.Add(sentence.Select(fields => fields[1]).ToList(), tags);
        }
        Assert.Equal(evaluator.GetMetrics().F1Score, metrics.GetProperty("F1").GetDouble(), 9);

        // stdin: sentences as words separated by spaces, Japanese included.
        var piped = PredictFromStandardInput(zip, """{"Sentence1":"Maria met John Smith in London"}""", """{"Sentence1":"昨日 さくら は 東京 に 行きました"}""");
        Assert.Equal([6, 6], piped.Select(line => line.GetProperty("PredictedLabel").GetArrayLength()));

        string bad = directory.File("bad.conll");
        File.WriteAllText(bad, "Marie\tB-PER\nvit\tO\n\nParis\tB-LOC\nà\n");
        AssertBadDataRefused(zip, bad, "line 5");
    }

    [SkippableFact]
    public void QaTrainsEvaluatesAsSquadAndAnswersFromContexts()
    {
        _ = KeywordData.BaseCheckpoint;
        string train = CliTaskData.CodeWords(directory.File("train.json"), 32, seed: 1);
        string valid = CliTaskData.CodeWords(directory.File("valid.json"), 16, seed: 2);
        string zip = Train("qa", train, valid, "answers");

        var metrics = Evaluate(zip, valid, "qa").GetProperty("metrics");
        using var squad = JsonDocument.Parse(File.ReadAllText(valid));
        var questions = squad.RootElement.GetProperty("data")[0].GetProperty("paragraphs").EnumerateArray().Select(p => p.GetProperty("qas")[0]).ToList();
        int unanswerable = questions.Count(q => q.GetProperty("is_impossible").GetBoolean());
        Assert.Equal(16, metrics.GetProperty("total").GetDouble());
        Assert.Equal(unanswerable, metrics.GetProperty("NoAns_total").GetDouble());
        Assert.Equal(16 - unanswerable, metrics.GetProperty("HasAns_total").GetDouble());
        foreach (var name in new[] { "f1", "exact", "HasAns_f1", "HasAns_exact", "NoAns_f1", "NoAns_exact" })
            Assert.InRange(metrics.GetProperty(name).GetDouble(), 0, 100);

        // predict on the SQuAD file: one line per question; its first answers score as evaluate says.
        var predictions = Predict("--model", zip, "--input", valid);
        Assert.Equal(questions.Count, predictions.Count);
        var evaluator = new QuestionAnsweringEvaluator();
        foreach (var (question, prediction) in questions.Zip(predictions))
        {
            var answers = Strings(prediction.GetProperty("Answer"));
            Assert.Equal(answers.Length, prediction.GetProperty("AnswerStart").GetArrayLength());
            evaluator.Add(question.GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToList(), answers.FirstOrDefault() ?? "");
        }
        Assert.Equal(evaluator.GetMetrics().F1Score, metrics.GetProperty("f1").GetDouble(), 9);

        // stdin: Context and Question; an answer is a span of its context (or empty: no answer).
        const string context = "Nous avons mangé une pomme. le mot de passe est Hélène , il fait beau.";
        var piped = PredictFromStandardInput(zip, JsonSerializer.Serialize(new { Context = context, Question = "Quel est le mot de passe ?" }));
        var answer = Strings(Assert.Single(piped).GetProperty("Answer"))[0];
        Assert.Contains(answer, context);

        string bad = directory.File("bad.json");
        File.WriteAllText(bad, File.ReadAllText(valid).Replace("\"question\":", "\"query\":"));
        AssertBadDataRefused(zip, bad, "data[0].paragraphs[0].qas[0].question is missing");
    }

    [SkippableFact]
    public void MultipleChoiceTrainsEvaluatesAccuracyAndPredictsChoiceIndices()
    {
        _ = KeywordData.BaseCheckpoint;
        string train = CliTaskData.Replies(directory.File("train.jsonl"), 16, seed: 1);
        string valid = CliTaskData.Replies(directory.File("valid.jsonl"), 8, seed: 2);
        string zip = Train("multiple-choice", train, valid, "replies");

        var metrics = Evaluate(zip, valid, "multiple-choice").GetProperty("metrics");
        Assert.Equal(8, metrics.GetProperty("rows").GetDouble());

        // predict on the task's JSON lines (labels ignored): the chosen index, 0 to 3; evaluate's accuracy is the share right.
        var labels = File.ReadLines(valid).Select(line => Json(line).GetProperty("label").GetUInt32()).ToList();
        var predictions = Predict("--model", zip, "--input", valid);
        Assert.Equal(labels.Count, predictions.Count);
        var chosen = predictions.Select(p => p.GetProperty("PredictedLabel").GetUInt32()).ToList();
        Assert.All(chosen, index => Assert.InRange(index, 0u, 3u));
        Assert.All(predictions, p => Assert.Equal(4, p.GetProperty("Score").GetArrayLength()));
        Assert.Equal(labels.Zip(chosen).Count(pair => pair.First == pair.Second) / (double)labels.Count, metrics.GetProperty("accuracy").GetDouble(), 9);

        // stdin: the task's lower-case keys or the model's column names give the same prediction.
        var taskKeys = PredictFromStandardInput(zip,
            """{"prompt":"dis-moi la météo s'il te plaît","choices":["voici la musique","voici la météo","voici la train","voici la réveil"]}""");
        var columnNames = PredictFromStandardInput(zip,
            """{"Prompt":"dis-moi la météo s'il te plaît","Choices":["voici la musique","voici la météo","voici la train","voici la réveil"]}""");
        Assert.Equal(Assert.Single(taskKeys).GetProperty("PredictedLabel").GetUInt32(), Assert.Single(columnNames).GetProperty("PredictedLabel").GetUInt32());

        string bad = directory.File("bad.jsonl");
        File.WriteAllLines(bad, [File.ReadLines(valid).First(), """{"prompt": "b", "choices": ["x", "y"], "label": 0}"""]);
        AssertBadDataRefused(zip, bad, "line 2, key 'choices' has 2 choices; the rows before have 4");
    }
}
