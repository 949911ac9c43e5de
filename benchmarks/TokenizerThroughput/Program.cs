// Single-threaded SentencePiece encoding throughput on the fixture corpus repeated:
//   dotnet run -c Release --project benchmarks/TokenizerThroughput -- [--model path.model]... [--corpus corpus.txt] [--repeat N]
// For each model: our SentencePieceProcessor (ids only, and with offsets), ours through Microsoft.ML.Tokenizers'
// Tokenizer API (RemBertMLTokenizer: RemBERT's preprocessing too, no special tokens; models with RemBERT's special
// tokens only), Microsoft.ML.Tokenizers' own SentencePieceTokenizer (the version Directory.Packages.props names; where
// it loads), and sentencepiece's C++ through /usr/bin/python3 (timing only its encode loop), each with the number of
// lines whose ids differ from ours (our SentencePieceProcessor equals spm_encode on ../shared's lines).
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using TokenizerThroughput;

var options = BenchmarkOptions.Parse(args);
var lines = File.ReadAllText(options.CorpusPath).TrimEnd('\n').Split('\n');
#if DEBUG
Console.WriteLine("warning: Debug build; use -c Release for meaningful numbers");
#endif
Console.WriteLine($"corpus: {options.CorpusPath} ({lines.Length} lines) x {options.Repeat}; single thread; after {Measurement.WarmupPasses} warm-up passes, fastest of {Measurement.Rounds} rounds");
foreach (var model in options.ModelPaths)
{
    Console.WriteLine();
    Console.WriteLine($"model: {model}");
    var ours = new OursRunner(model);
    var reference = ours.IdsOf(lines);
    var oursIds = ours.MeasureIds(lines, options.Repeat);
    Report(oursIds, reference, lines);
    Report(ours.MeasureWithOffsets(lines, options.Repeat), reference, lines);
    Report(OursAsMLTokenizerRunner.Measure(model, lines, options.Repeat), reference, lines);
    Report(MlTokenizersRunner.Measure(model, lines, options.Repeat), reference, lines);
    var cpp = PythonReferenceRunner.Measure(model, options.CorpusPath, options.Repeat);
    Report(cpp, reference, lines);
    if (cpp is { Error: null })
        Console.WriteLine($"  speed-up of ours EncodeToIds over sentencepiece C++: {TokensPerSecond(oursIds) / TokensPerSecond(cpp):F1}x (CPU time)");
}
return 0;

static double TokensPerSecond(Measurement m) => m.Tokens / m.CpuSeconds;

static void Report(Measurement? m, int[][] ours, string[] lines)
{
    if (m is null) return;
    if (m.Error is not null)
    {
        Console.WriteLine($"  {m.Name,-44} {m.Error}");
        return;
    }
    var mismatches = m.Ids is null ? "" : $"  lines differing from ours: {Enumerable.Range(0, lines.Length).Count(i => !m.Ids[i].AsSpan().SequenceEqual(ours[i]))}";
    Console.WriteLine($"  {m.Name,-44} {m.Tokens / m.CpuSeconds / 1e6,7:F2} M tokens/s CPU  {m.Tokens / m.WallSeconds / 1e6,7:F2} M tokens/s wall  ({m.Tokens:N0} tokens){mismatches}");
}
