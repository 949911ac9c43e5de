using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Serving;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers.QuestionAnswering;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>
/// The Web API sample on real Kestrel (a child process on 127.0.0.1, port 0) with a real HttpClient: answers equal
/// the in-process PredictionEngine for every task, every bad input gets one JSON error naming the field, a reload under
/// traffic fails no request, a corrupt replacement keeps the old model serving, SIGTERM finishes in-flight requests and
/// exits 0, and 20 reloads do not grow the process.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class WebApiTests : MLNetFileTestBase
{
    private const float Tolerance = 1e-5f;
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromMinutes(1);

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> PostAsync(WebApiServer server, string path, object body)
    {
        using var response = await server.Client.PostAsync(path, Json(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static float[] Floats(JsonElement element) => element.EnumerateArray().Select(value => value.GetSingle()).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], Tolerance);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Posts every row alone, all rows at once concurrently, and all rows as one batch; each answer must pass <paramref name="assertSame"/>.</summary>
    private async Task AssertServedEqualsPredictionEngine<TInput, TOutput>(string zip, string task, TInput[] rows, Func<TInput, object> body,
        Action<TOutput, JsonElement> assertSame)
        where TInput : class
        where TOutput : class, new()
    {
        var model = MLContext.Model.Load(zip, out _);
        using var engine = MLContext.Model.CreatePredictionEngine<TInput, TOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var expected = rows.Select(engine.Predict).ToArray();
        using var server = WebApiServer.Start(zip);

        var health = JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement;
        Assert.Equal(task, health.GetProperty("task").GetString());
        Assert.Equal(Sha256(zip), health.GetProperty("sha256").GetString());
        Assert.Equal(zip, health.GetProperty("model").GetString());
        Assert.Equal(("cpu", "float32"), (health.GetProperty("device").GetString(), health.GetProperty("precision").GetString()));
        Assert.Equal(new RemBertBatchingOptions().ConcurrentBatches, health.GetProperty("concurrentBatches").GetInt32());

        for (int i = 0; i < 3; i++)
            assertSame(expected[i], await PostAsync(server, "/predict", body(rows[i])));
        var concurrent = await Task.WhenAll(rows.Select(row => PostAsync(server, "/predict", body(row))));
        for (int i = 0; i < rows.Length; i++)
            assertSame(expected[i], concurrent[i]);
        var batch = await PostAsync(server, "/predict/batch", rows.Select(body).ToArray());
        Assert.Equal(rows.Length, batch.GetArrayLength());
        for (int i = 0; i < rows.Length; i++)
            assertSame(expected[i], batch[i]);

        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task TextClassificationAnswersEqualThePredictionEngine()
    {
        string zip = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "intents.zip"), seed: 7);
        await AssertServedEqualsPredictionEngine<KeywordData.IntentRow, LabelPrediction>(zip, "text-classification", KeywordData.IntentRows(12, seed: 3),
            row => new { row.Sentence1 }, (expected, actual) =>
            {
                Assert.Equal(expected.PredictedLabel, actual.GetProperty("PredictedLabel").GetString());
                AssertClose(expected.Score, Floats(actual.GetProperty("Score")));
            });
    }

    [Fact]
    public async Task QuestionAnsweringAnswersEqualThePredictionEngineInTheirOwnScript()
    {
        string zip = WebApiModels.Answers(MLContext, Path.Combine(TempDirectory, "answers.zip"));
        var rows = AnswerData.Rows(10, seed: 2, sentences: 5);
        await AssertServedEqualsPredictionEngine<AnswerData.AnswerRow, AnswerPrediction>(zip, "question-answering", rows,
            row => new { row.Context, row.Question }, (expected, actual) =>
            {
                Assert.Equal(expected.Answer, actual.GetProperty("Answer").EnumerateArray().Select(answer => answer.GetString()));
                Assert.Equal(expected.AnswerStart, actual.GetProperty("AnswerStart").EnumerateArray().Select(start => start.GetInt32()));
                AssertClose(expected.Score, Floats(actual.GetProperty("Score")));
            });

        // Text in any script is written as itself, not as \u escapes.
        using var server = WebApiServer.Start(zip);
        var row = rows.First(row => row.Context.Any(c => c > 0x3000));
        using var response = await server.Client.PostAsync("/predict", Json(new { row.Context, Question = row.Question }));
        string raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\\u", raw);
        Assert.Contains(JsonDocument.Parse(raw).RootElement.GetProperty("Answer")[0].GetString()!, raw);
    }

    [Fact]
    public async Task MultipleChoiceAnswersEqualThePredictionEngine()
    {
        string zip = WebApiModels.Choices(MLContext, Path.Combine(TempDirectory, "choices.zip"));
        await AssertServedEqualsPredictionEngine<ChoiceData.ChoiceRow, ChoicePrediction>(zip, "multiple-choice", ChoiceData.Rows(10, seed: 2),
            row => new { row.Prompt, row.Choices }, (expected, actual) =>
            {
                Assert.Equal(expected.PredictedLabel, actual.GetProperty("PredictedLabel").GetUInt32());
                AssertClose(expected.Score, Floats(actual.GetProperty("Score")));
            });
    }

    [Fact]
    public async Task NamedEntityAnswersEqualThePredictionEngine()
    {
        string zip = WebApiModels.Entities(MLContext, Path.Combine(TempDirectory, "entities.zip"));
        await AssertServedEqualsPredictionEngine<NamedEntityData.Row, TagPrediction>(zip, "named-entity-recognition", NamedEntityData.SpacedRows(10, seed: 2),
            row => new { row.Sentence1 }, (expected, actual) =>
            {
                Assert.Equal(expected.PredictedTags, actual.GetProperty("PredictedTags").EnumerateArray().Select(tag => tag.GetString()));
                AssertClose(expected.Score, Floats(actual.GetProperty("Score")));
            });
    }

    /// <summary>The answer to a bad body: its status and its one JSON error, which must name <paramref name="field"/>.</summary>
    private static async Task AssertErrorAsync(WebApiServer server, string path, HttpContent content, HttpStatusCode status, string field, string message)
    {
        using var response = await server.Client.PostAsync(path, content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var error = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["error"], error.EnumerateObject().Select(property => property.Name));
        string said = error.GetProperty("error").GetString()!;
        Assert.StartsWith(field + ":", said);
        Assert.Contains(message, said);
    }

    private static ByteArrayContent Raw(byte[] bytes) => new(bytes) { Headers = { ContentType = new("application/json") } };

    [Fact]
    public async Task EveryBadInputGetsOneJsonErrorNamingTheFieldAndTheServerKeepsServing()
    {
        string zip = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "intents.zip"), seed: 7);
        using var server = WebApiServer.Start(zip);

        await AssertErrorAsync(server, "/predict", Raw("{\"Sentence1\": "u8.ToArray()), HttpStatusCode.BadRequest, "body", "not valid JSON (line 1, byte 15)");
        await AssertErrorAsync(server, "/predict", Raw([]), HttpStatusCode.BadRequest, "body", "empty");
        await AssertErrorAsync(server, "/predict", Raw([.. "{\"Sentence1\": \"caf"u8, 0xE9, .. "\"}"u8]), HttpStatusCode.BadRequest, "body", "not valid UTF-8 (byte offset 18)");
        await AssertErrorAsync(server, "/predict", Json(new[] { 1 }), HttpStatusCode.BadRequest, "body", "expected a JSON object with \"Sentence1\", not an array");
        await AssertErrorAsync(server, "/predict", Json(new { }), HttpStatusCode.BadRequest, "Sentence1", "missing field");
        await AssertErrorAsync(server, "/predict", Json(new { Label = "weather" }), HttpStatusCode.BadRequest, "Sentence1", "missing field");
        await AssertErrorAsync(server, "/predict", Json(new { Sentence1 = " \t " }), HttpStatusCode.BadRequest, "Sentence1", "the text is empty");
        await AssertErrorAsync(server, "/predict", Json(new { Sentence1 = 42 }), HttpStatusCode.BadRequest, "Sentence1", "expected a string, not a number");
        await AssertErrorAsync(server, "/predict", Json(new { Sentence1 = (string?)null }), HttpStatusCode.BadRequest, "Sentence1", "expected a string, not null");
        await AssertErrorAsync(server, "/predict", Json(new { Sentence1 = "hi", Sentence2 = "there" }), HttpStatusCode.BadRequest, "Sentence2", "unknown field; this model reads \"Sentence1\"");
        await AssertErrorAsync(server, "/predict", Raw("{\"Sentence1\": \"a\", \"Sentence1\": \"b\"}"u8.ToArray()), HttpStatusCode.BadRequest, "Sentence1", "appears twice");
        await AssertErrorAsync(server, "/predict", Json(new { Sentence1 = new string('é', 32 * 1024 + 1) }), HttpStatusCode.RequestEntityTooLarge, "Sentence1", "65538 bytes of UTF-8; at most 65536 (64 KiB)");
        await AssertErrorAsync(server, "/predict/batch", Json(Enumerable.Repeat(new { Sentence1 = "hi" }, 257).ToArray()), HttpStatusCode.BadRequest, "body", "the batch has 257 objects; at most 256");
        await AssertErrorAsync(server, "/predict/batch", Json(Array.Empty<object>()), HttpStatusCode.BadRequest, "body", "the batch is empty");
        await AssertErrorAsync(server, "/predict/batch", Json(new { Sentence1 = "hi" }), HttpStatusCode.BadRequest, "body", "expected a JSON array");
        await AssertErrorAsync(server, "/predict/batch", Json(new object[] { new { Sentence1 = "hi" }, new { Sentence1 = "" } }), HttpStatusCode.BadRequest, "[1].Sentence1", "the text is empty");
        await AssertErrorAsync(server, "/predict/batch", Json(new object[] { new { Sentence1 = "hi" }, "hello" }), HttpStatusCode.BadRequest, "[1]", "expected a JSON object");

        // A client that disconnects mid-body: the server drops it and goes on.
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(server.Address.Host, server.Address.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /predict HTTP/1.1\r\nHost: {server.Address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"Sentence1\": \"half"));
            await stream.FlushAsync();
            await Task.Delay(300);
        }

        // Still serving, with the errors counted by status.
        var answer = await PostAsync(server, "/predict", new { Sentence1 = "Wie wird das Wetter morgen?", Label = "" });
        Assert.Equal(KeywordData.Intents.Length, answer.GetProperty("Score").GetArrayLength());
        string metrics = await WaitForMetricAsync(server, new Regex("rembert_request_errors_total\\{status=\"499\"\\} 1"));
        Assert.Contains("rembert_request_errors_total{status=\"400\"} 16", metrics);
        Assert.Contains("rembert_request_errors_total{status=\"413\"} 1", metrics);
        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
    }

    private static async Task<string> WaitForMetricAsync(WebApiServer server, Regex pattern, TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await server.Client.GetAsync("/metrics");
            string metrics = await response.Content.ReadAsStringAsync();
            // A failed scrape is a server fault: its log says why. The console logger writes from its own thread, so the
            // line can arrive after the answer: wait for it. (Seen twice under load in CI clones as a bare 500.)
            if (!response.IsSuccessStatusCode)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                throw new Xunit.Sdk.XunitException($"/metrics answered {(int)response.StatusCode}: {metrics}\nserver log:\n{string.Join('\n', server.Log.TakeLast(80))}");
            }
            if (pattern.IsMatch(metrics))
                return metrics;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"/metrics never matched /{pattern}/:\n{metrics}");
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(50));
        }
    }

    [Fact]
    public async Task AFullQueueAnswers503WithRetryAfterAndADisconnectedClientLeavesTheQueue()
    {
        string zip = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "intents.zip"), seed: 7);
        // One queued request at most, and the loop waits 5 s for company: the first request holds the queue.
        using var server = WebApiServer.Start(zip, "--max-queue-length", "1", "--max-delay-ms", "5000", "--max-batch-size", "64");
        using var leaving = new CancellationTokenSource();
        var first = server.Client.PostAsync("/predict", Json(new { Sentence1 = "play some music" }), leaving.Token);
        await WaitForMetricAsync(server, new Regex("rembert_queue_length 1"));

        await AssertErrorAsync(server, "/predict", Json(new { Sentence1 = "wake me up" }), HttpStatusCode.ServiceUnavailable, "queue", "requests already wait (MaxQueueLength)");
        using (var response = await server.Client.PostAsync("/predict", Json(new { Sentence1 = "wake me up" })))
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        await AssertErrorAsync(server, "/predict/batch", Json(new object[] { new { Sentence1 = "a" }, new { Sentence1 = "b" } }), HttpStatusCode.ServiceUnavailable, "queue", "MaxQueueLength");

        // The first client gives up: its request leaves the queue, which accepts a new one.
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await WaitForMetricAsync(server, new Regex("rembert_queue_length 0"));
        await WaitForMetricAsync(server, new Regex("rembert_request_errors_total\\{status=\"499\"\\} 1"));
        var answer = await PostAsync(server, "/predict", new { Sentence1 = "wake me up at seven" });
        Assert.Equal(KeywordData.Intents.Length, answer.GetProperty("Score").GetArrayLength());
        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task SigtermFinishesTheInFlightRequestAndExitsZero()
    {
        string zip = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "intents.zip"), seed: 7);
        // The first request waits up to 5 s for company: the window in which it is seen queued and SIGTERM is sent. (With
        // 2 s, a loaded machine once answered it before the test saw it queued.) /metrics is served once before, so the
        // polls that watch the window are quick.
        using var server = WebApiServer.Start(zip, "--max-delay-ms", "5000", "--max-batch-size", "64");
        await WaitForMetricAsync(server, new Regex("rembert_queue_length 0"));
        var inFlight = server.Client.PostAsync("/predict", Json(new { Sentence1 = "play some music" }));
        await WaitForMetricAsync(server, new Regex("rembert_queue_length 1"), TimeSpan.Zero);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(15)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(12), $"exit took {stopwatch.Elapsed}");
        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(server.Log, line => line.Contains("Disposed the model loaded from " + zip, StringComparison.Ordinal));
    }

    private (LabelPrediction[] A, LabelPrediction[] B) Expected(string a, string b, KeywordData.IntentRow[] rows)
    {
        LabelPrediction[] Predict(string zip)
        {
            var model = MLContext.Model.Load(zip, out _);
            using var engine = MLContext.Model.CreatePredictionEngine<KeywordData.IntentRow, LabelPrediction>(model);
            return rows.Select(engine.Predict).ToArray();
        }
        return (Predict(a), Predict(b));
    }

    private static bool Same(LabelPrediction expected, JsonElement actual)
        => expected.PredictedLabel == actual.GetProperty("PredictedLabel").GetString()
            && Floats(actual.GetProperty("Score")).Zip(expected.Score).All(pair => Math.Abs(pair.First - pair.Second) <= Tolerance);

    [Fact]
    public async Task AReloadUnderTrafficFailsNoRequestAndAnswersWithTheNewModelAfterTheSwap()
    {
        string a = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "a.zip"), seed: 7);
        string b = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "b.zip"), seed: 8);
        var rows = KeywordData.IntentRows(8, seed: 3);
        var (expectedA, expectedB) = Expected(a, b, rows);
        Assert.False(Same(expectedA[0], JsonDocument.Parse(JsonSerializer.Serialize(expectedB[0])).RootElement), "the two models must answer differently");
        string served = Path.Combine(TempDirectory, "served.zip");
        File.Copy(a, served);
        using var server = WebApiServer.Start(served);

        using var stop = new CancellationTokenSource();
        long swappedAt = long.MaxValue;
        var clients = Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
        {
            var answers = new List<(int Row, long Started, HttpStatusCode Status, string Body)>();
            for (int i = client; !stop.IsCancellationRequested; i++)
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                using var response = await server.Client.PostAsync("/predict", Json(new { rows[i % rows.Length].Sentence1 }));
                answers.Add((i % rows.Length, started, response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
            return answers;
        })).ToArray();

        await Task.Delay(1000);
        WebApiModels.Replace(served, b);
        server.WaitForLog(new Regex("Reloaded " + Regex.Escape(served)), ReloadTimeout);
        Interlocked.Exchange(ref swappedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        await Task.Delay(1500);
        await stop.CancelAsync();
        var answers = (await Task.WhenAll(clients)).SelectMany(list => list).ToList();

        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.OK, $"{(int)answer.Status}: {answer.Body}"));
        foreach (var answer in answers)
        {
            var body = JsonDocument.Parse(answer.Body).RootElement;
            if (answer.Started > swappedAt)
                Assert.True(Same(expectedB[answer.Row], body), $"after the swap, row {answer.Row} was answered {answer.Body}");
            else
                Assert.True(Same(expectedA[answer.Row], body) || Same(expectedB[answer.Row], body), $"row {answer.Row} was answered {answer.Body}");
        }
        Assert.Contains(answers, answer => answer.Started > swappedAt);
        Assert.Contains(answers, answer => answer.Started < swappedAt && Same(expectedA[answer.Row], JsonDocument.Parse(answer.Body).RootElement));
        server.WaitForLog(new Regex("Disposed the model loaded from " + Regex.Escape(served)), ReloadTimeout);
        var health = JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement;
        Assert.Equal(Sha256(b), health.GetProperty("sha256").GetString());
        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task ACorruptReplacementKeepsTheOldModelServingAndLogsOneLineNamingTheFile()
    {
        string a = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "a.zip"), seed: 7);
        var rows = KeywordData.IntentRows(4, seed: 3);
        var (expected, _) = Expected(a, a, rows);
        string truncated = Path.Combine(TempDirectory, "truncated.zip");
        var bytes = File.ReadAllBytes(a);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string notAZip = Path.Combine(TempDirectory, "notes.txt");
        File.WriteAllText(notAZip, "this is not a model\n");
        string otherTask = WebApiModels.Choices(MLContext, Path.Combine(TempDirectory, "choices.zip"));
        string served = Path.Combine(TempDirectory, "served.zip");
        File.Copy(a, served);
        using var server = WebApiServer.Start(served);

        int failures = 0;
        foreach (var (replacement, reason) in new[] { (truncated, ""), (notAZip, ""), (otherTask, "differ from the served model's (Sentence1: String, Label: String)") })
        {
            WebApiModels.Replace(served, replacement);
            server.WaitForLog(new Regex("Reload failed"), failures + 1, ReloadTimeout);
            await Task.Delay(2500); // a second line for the same replacement would come within the poll interval
            var lines = server.Log.Where(logged => logged.Contains("Reload failed", StringComparison.Ordinal)).ToList();
            Assert.Equal(++failures, lines.Count);
            Assert.True(lines[^1].Contains(served, StringComparison.Ordinal) && lines[^1].Contains(reason, StringComparison.Ordinal), lines[^1]);
            for (int i = 0; i < rows.Length; i++)
                Assert.True(Same(expected[i], await PostAsync(server, "/predict", new { rows[i].Sentence1 })));
        }
        Assert.Contains("rembert_model_reload_failures_total 3", await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(Sha256(a), JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement.GetProperty("sha256").GetString());
        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// The server's resident size once transient allocations are gone: the least of five readings 200 ms apart. A single
    /// reading can catch a passing peak (seen: +30 MB for one reading between two reloads) that says nothing of a leak.
    /// </summary>
    private static async Task<long> SettledResidentBytesAsync(WebApiServer server)
    {
        long least = long.MaxValue;
        for (int reading = 0; reading < 5; reading++)
        {
            if (reading > 0)
                await Task.Delay(200);
            least = Math.Min(least, server.ResidentBytes());
        }
        return least;
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task TwentyReloadsKeepTheProcessWithinTenPercentOfItsSizeAfterTheFirst()
    {
        // Wide enough (about 30 MB of weights) that a model left behind by each reload would show.
        var wide = TinyTraining.Config() with { HiddenSize = 384, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 1536, InputEmbeddingSize = 64, OutputEmbeddingSize = 64 };
        string a = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "a.zip"), seed: 7, wide);
        string b = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "b.zip"), seed: 8, wide);
        Assert.True(new FileInfo(a).Length > 20_000_000, $"{new FileInfo(a).Length} bytes");
        string served = Path.Combine(TempDirectory, "served.zip");
        File.Copy(a, served);
        using var server = WebApiServer.Start(served);

        long afterFirst = 0;
        for (int reload = 1; reload <= 20; reload++)
        {
            WebApiModels.Replace(served, reload % 2 == 1 ? b : a);
            server.WaitForLog(new Regex("Disposed the model loaded from"), reload, ReloadTimeout);
            Assert.Equal(reload, server.Log.Count(line => line.Contains("Disposed the model loaded from", StringComparison.Ordinal)));
            for (int i = 0; i < 4; i++)
                await PostAsync(server, "/predict", new { Sentence1 = $"what is the weather {i}" });
            if (reload == 1)
                afterFirst = await SettledResidentBytesAsync(server);
        }
        long afterLast = await SettledResidentBytesAsync(server);
        Assert.True(afterLast <= afterFirst * 1.10, $"RSS after the first reload {afterFirst / 1e6:F1} MB, after the 20th {afterLast / 1e6:F1} MB");
        Assert.Contains("rembert_model_reloads_total 20", await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task PrecisionAndDeviceFlagsAreAppliedOrRefusedClearly()
    {
        string zip = WebApiModels.Intents(MLContext, Path.Combine(TempDirectory, "intents.zip"), seed: 7);
        using (var server = WebApiServer.Start(zip, "--precision", "bfloat16", "--concurrent-batches", "3"))
        {
            var health = JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement;
            Assert.Equal("bfloat16", health.GetProperty("precision").GetString());
            Assert.False(health.GetProperty("prepackedWeights").GetBoolean());
            Assert.Equal(3, health.GetProperty("concurrentBatches").GetInt32());
            var answer = await PostAsync(server, "/predict", new { Sentence1 = "wake me up at seven" });
            Assert.Equal(1f, Floats(answer.GetProperty("Score")).Sum(), 0.02f);
            Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
        }

        using (var server = WebApiServer.Start(zip, "--prepack-weights"))
        {
            var health = JsonDocument.Parse(await server.Client.GetStringAsync("/health")).RootElement;
            Assert.True(health.GetProperty("prepackedWeights").GetBoolean());
            var answer = await PostAsync(server, "/predict", new { Sentence1 = "wake me up at seven" });
            Assert.Equal(1f, Floats(answer.GetProperty("Score")).Sum(), 1e-4f);
            Assert.Equal(0, server.Terminate(TimeSpan.FromSeconds(30)));
        }
        var packedOnGpu = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", zip, "--device", "cuda", "--prepack-weights"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, packedOnGpu.ExitCode);
        Assert.Contains("--prepack-weights applies to --device cpu, not cuda.", packedOnGpu.StandardError);

        var badDevice = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", zip, "--device", "gpu"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, badDevice.ExitCode);
        Assert.Contains("--device is 'gpu'; use cpu, cuda or cuda:N.", badDevice.StandardError);
        var badPrecision = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", zip, "--precision", "fp16"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, badPrecision.ExitCode);
        Assert.Contains("--precision is 'fp16'; use float32 or bfloat16.", badPrecision.StandardError);
        var badLoops = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", zip, "--concurrent-batches", "0"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, badLoops.ExitCode);
        Assert.Contains("--concurrent-batches is '0'; it must be a whole number from 1 to 256.", badLoops.StandardError);
        if (!TorchSharp.torch.cuda.is_available())
        {
            var cuda = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", zip, "--device", "cuda", "--urls", "http://127.0.0.1:0"], TimeSpan.FromMinutes(1));
            Assert.Equal(1, cuda.ExitCode);
            Assert.Contains($"{zip}: --device cuda: Device 'cuda' is not available in this process", cuda.StandardError);
            Assert.Contains("available: cpu", cuda.StandardError);
        }
    }

    [Fact]
    public void AMissingOrBadModelExitsOneNamingTheFileAndBadArgumentsExitTwo()
    {
        string missing = Path.Combine(TempDirectory, "missing.zip");
        var result = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", missing, "--urls", "http://127.0.0.1:0"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(missing, result.StandardError);

        string notAZip = Path.Combine(TempDirectory, "notes.zip");
        File.WriteAllText(notAZip, "not a zip");
        result = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--model", notAZip, "--urls", "http://127.0.0.1:0"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {notAZip}: ", result.StandardError);

        result = DotnetProcess.Run([SampleApp.Assembly("WebApi"), "--urls", "http://127.0.0.1:0"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--model is required", result.StandardError);
        Assert.Contains("usage: --model MODEL.zip", result.StandardError);
    }

    private sealed class LabelPrediction
    {
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }

    private sealed class AnswerPrediction
    {
        public string[] Answer { get; set; } = [];
        public float[] Score { get; set; } = [];
        public int[] AnswerStart { get; set; } = [];
    }

    private sealed class ChoicePrediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }

    private sealed class TagPrediction
    {
        public string[] PredictedTags { get; set; } = [];
        public float[] Score { get; set; } = [];
    }
}
