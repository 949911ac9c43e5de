using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using System.Diagnostics;
using System.Globalization;

namespace TokenizerThroughput;

/// <summary>
/// Times sentencepiece's C++ encoder through /usr/bin/python3 (python3-sentencepiece): the script times only its
/// encode loop (after 3 warm-up passes, fastest of the same number of rounds as ours) (one batch call per repetition, one thread) and prints tokens, seconds and the ids of one pass.
/// </summary>
internal static class PythonReferenceRunner
{
    private const string Python = "/usr/bin/python3";
    private const string Name = "sentencepiece C++ (python3, batch, 1 thread)";

    private const string Script = """
        import sys, time, sentencepiece as spm
        model, corpus, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
        sp = spm.SentencePieceProcessor(model_file=model)
        lines = open(corpus, encoding='utf-8', newline='\n').read().rstrip('\n').split('\n')
        ids = sp.encode(lines, num_threads=1)
        for _ in range(3):
            sp.encode(lines, num_threads=1)
        best = None
        for _ in range(ROUNDS):
            tokens = 0
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(repeat):
                tokens += sum(len(x) for x in sp.encode(lines, num_threads=1))
            m = (tokens, time.perf_counter() - start, time.process_time() - cpu_start)
            best = m if best is None or m[2] < best[2] else best
        print(*best)
        for x in ids:
            print(' '.join(map(str, x)))
        """;

    public static Measurement? Measure(string modelPath, string corpusPath, int repeat)
    {
        if (!File.Exists(Python)) return null;
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script.Replace("ROUNDS", Measurement.Rounds.ToString(CultureInfo.InvariantCulture)));
        psi.ArgumentList.Add(modelPath);
        psi.ArgumentList.Add(corpusPath);
        psi.ArgumentList.Add(repeat.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) return Measurement.Failed(Name, $"python failed: {stderr.Trim().Split('\n').LastOrDefault()}");
        var output = stdout.Result.TrimEnd('\n').Split('\n');
        var head = output[0].Split(' ');
        var ids = output.Skip(1).Select(l => l.Length == 0 ? Array.Empty<int>() : l.Split(' ').Select(int.Parse).ToArray()).ToArray();
        return new Measurement(Name, long.Parse(head[0], CultureInfo.InvariantCulture),
            double.Parse(head[1], CultureInfo.InvariantCulture), double.Parse(head[2], CultureInfo.InvariantCulture), ids);
    }
}
