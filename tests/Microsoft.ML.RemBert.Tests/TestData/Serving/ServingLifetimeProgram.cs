// A serving process for MLNet/Scoring/ModelLifetimeTests, compiled and run as a child process (a crash must fail the
// test, not kill the test host). It only uses what an application uses: ML.NET's public API, the loaded zip and
// Microsoft.Extensions.ObjectPool. Usage: MODE MODEL.zip [COUNT]; prints "key=value" lines the test reads.
using System.Diagnostics;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

const int Threads = 8;
const int PredictionsPerThread = 50;

string mode = args[0];
string zip = args[1];
int count = args.Length > 2 ? int.Parse(args[2]) : 1;
var mlContext = new MLContext(seed: 1);
string[] sentences = ["what is the weather today", "play some music please", "réveil pour demain", "Wetter heute bitte",
    "погода сейчас", "音楽 お願い", "set an alarm for me", "musique maintenant"];

switch (mode)
{
    case "pool": Pool(); break;
    case "dispose-model": DisposeWhileScoring(transformOnly: true); break;
    case "dispose-engine": DisposeWhileScoring(transformOnly: false); break;
    case "reload": Reload(); break;
    default: throw new ArgumentException($"unknown mode {mode}");
}

// Scores through Transform (no engine: an engine that does not own the model would hold it for ever).
float[] Transform(ITransformer model, string sentence) => mlContext.Data.CreateEnumerable<Output>(
    model.Transform(mlContext.Data.LoadFromEnumerable(new[] { new Input { Sentence1 = sentence } })), reuseRowObject: false).Single().Score;

// The ObjectDisposedException in an exception's chain, if any.
static ObjectDisposedException? Disposed(Exception? e)
{
    for (; e is not null; e = e.InnerException)
        if (e is ObjectDisposedException disposed) return disposed;
    return null;
}

// The reference answers.
Dictionary<string, float[]> Reference(ITransformer model) => sentences.ToDictionary(s => s, s => Transform(model, s));

// Whether the model still scores for a PredictionEngine created now (as a pool creates them): "scores", or "disposed"
// when that throws ObjectDisposedException. Not Transform: once the model's own Dispose has been called (by the
// application or by an engine that owns it), direct use throws even while existing engines keep it alive.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
string Probe(ITransformer model)
{
    try
    {
        using var engine = mlContext.Model.CreatePredictionEngine<Input, Output>(model, new PredictionEngineOptions { OwnsTransformer = false });
        engine.Predict(new Input { Sentence1 = sentences[0] });
        return "scores";
    }
    catch (Exception e) when (Disposed(e) is not null)
    {
        return "disposed";
    }
}

// ML.NET's serving pattern, as Microsoft.Extensions.ML builds it: an ObjectPool of PredictionEngines created with
// ML.NET's defaults (each engine owns the model), surplus engines disposed by the pool when they are returned.
void Pool()
{
    int failures = 0, mismatches = 0, predictions = 0, created = 0;
    var teardowns = new List<string>();
    var errors = new List<string>();
    for (int run = 0; run < count; run++)
    {
        var (model, beforeTeardown) = ServeOnce();
        // The pool and every engine are unreachable now, and the model disposed: once collected, nothing holds it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        teardowns.Add($"{beforeTeardown}->{Probe(model)}");
    }
    Console.WriteLine($"runs={count}");
    Console.WriteLine($"predictions={predictions}");
    Console.WriteLine($"failures={failures}");
    Console.WriteLine($"mismatches={mismatches}");
    Console.WriteLine($"engines_created={created}");
    Console.WriteLine($"teardown={string.Join(",", teardowns.Distinct())}");
    foreach (var error in errors.Distinct().Take(5)) Console.WriteLine($"error={error}");

    // One run: load, serve 8 threads x 50 from the pool, then dispose the pool (its engines) and the model.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    (ITransformer Model, string BeforeTeardown) ServeOnce()
    {
        var model = mlContext.Model.Load(zip, out _);
        var expected = Reference(model);
        var policy = new EnginePolicy(() => { Interlocked.Increment(ref created); return mlContext.Model.CreatePredictionEngine<Input, Output>(model); });
        // Two retained engines for eight threads: most returns dispose an engine (the default keeps 2 per core).
        var pool = new DefaultObjectPoolProvider { MaximumRetained = 2 }.Create(policy);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < PredictionsPerThread; i++)
            {
                string sentence = sentences[(t + i) % sentences.Length];
                var engine = pool.Get();
                try
                {
                    var score = engine.Predict(new Input { Sentence1 = sentence }).Score;
                    Interlocked.Increment(ref predictions);
                    if (!score.SequenceEqual(expected[sentence]))
                        Interlocked.Increment(ref mismatches);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failures);
                    lock (errors) errors.Add(e.GetType().Name + ": " + e.Message);
                }
                finally
                {
                    pool.Return(engine);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
        string before = Probe(model);
        (pool as IDisposable)?.Dispose();
        (model as IDisposable)?.Dispose();
        return (model, before);
    }
}

// Eight threads score while the application disposes the model under them, once each has scored 3 rows.
// "dispose-model": the threads score through Transform (the batch path), so the model is freed once the forward passes
// in flight finish, and the threads' later rows fail. "dispose-engine": each thread scores through its own PredictionEngine
// created with ML.NET's defaults (it owns the model and releases it when disposed); thread 0 disposes its engine at the
// same time, the others keep scoring and dispose theirs when done, which frees the model.
void DisposeWhileScoring(bool transformOnly)
{
    var model = mlContext.Model.Load(zip, out _);
    var expected = Reference(model);
    int succeeded = 0, disposedErrors = 0, otherErrors = 0, mismatches = 0;
    string? disposedMessage = null;
    var others = new List<string>();
    using var started = new CountdownEvent(Threads);
    var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
    {
        bool useEngine = !transformOnly;
        var engine = useEngine ? mlContext.Model.CreatePredictionEngine<Input, Output>(model) : null;
        bool signalled = false;
        for (int i = 0; i < PredictionsPerThread; i++)
        {
            string sentence = sentences[(t + i) % sentences.Length];
            try
            {
                var score = engine is null ? Transform(model, sentence) : engine.Predict(new Input { Sentence1 = sentence }).Score;
                Interlocked.Increment(ref succeeded);
                if (!score.SequenceEqual(expected[sentence]))
                    Interlocked.Increment(ref mismatches);
            }
            // ML.NET wraps an error raised on its cursor's worker thread ("Splitter/consolidator worker encountered exception").
            catch (Exception e) when (Disposed(e) is { } disposed)
            {
                Interlocked.Increment(ref disposedErrors);
                disposedMessage = disposed.Message;
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref otherErrors);
                lock (others) others.Add(e.GetType().Name + ": " + e.Message);
            }
            if (i == 2 && !signalled)
            {
                signalled = true;
                started.Signal();
                if (t == 0 && !transformOnly)
                {
                    started.Wait();
                    engine!.Dispose(); // while the other seven score
                    engine = null;
                    break;
                }
            }
        }
        if (!signalled) started.Signal();
        engine?.Dispose();
    })).ToList();
    threads.ForEach(thread => thread.Start());
    started.Wait();
    (model as IDisposable)!.Dispose();
    threads.ForEach(thread => thread.Join());

    // Every engine is disposed and unreachable now, and the model disposed: once they are collected nothing holds it.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    string after = Probe(model);
    if (after == "disposed" && disposedMessage is null)
    {
        try { Transform(model, sentences[0]); } catch (Exception e) when (Disposed(e) is { } disposed) { disposedMessage = disposed.Message; }
    }
    Console.WriteLine($"succeeded={succeeded}");
    Console.WriteLine($"disposed_errors={disposedErrors}");
    Console.WriteLine($"other_errors={otherErrors}");
    Console.WriteLine($"mismatches={mismatches}");
    Console.WriteLine($"after={after}");
    Console.WriteLine($"disposed_message={disposedMessage?.ReplaceLineEndings(" ")}");
    foreach (var error in others.Distinct().Take(5)) Console.WriteLine($"error={error}");
}

// A GC-only swap: load the zip, score, drop every reference without Dispose, collect; RSS after each reload.
void Reload()
{
    for (int i = 0; i < count; i++)
    {
        LoadScoreAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"rss={process.WorkingSet64}");
        Console.WriteLine($"managed={GC.GetTotalMemory(forceFullCollection: false)}");
    }
}

// Not inlined: its locals must be out of scope when Reload collects.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
void LoadScoreAndDrop()
{
    var model = mlContext.Model.Load(zip, out _);
    var engine = mlContext.Model.CreatePredictionEngine<Input, Output>(model);
    engine.Predict(new Input { Sentence1 = sentences[0] });
}

// The sample's ModelInput: the pipeline starts with MapValueToKey("Label"), so the column exists (empty) when predicting.
sealed class Input
{
    public string Sentence1 { get; set; } = "";

    public string Label { get; set; } = "";
}

sealed class Output
{
    public string PredictedLabel { get; set; } = "";

    public float[] Score { get; set; } = [];
}

sealed class EnginePolicy(Func<PredictionEngine<Input, Output>> create) : IPooledObjectPolicy<PredictionEngine<Input, Output>>
{
    public PredictionEngine<Input, Output> Create() => create();

    public bool Return(PredictionEngine<Input, Output> obj) => true;
}
