using System.Diagnostics;
using Microsoft.ML.RemBert.Tokenization;

namespace TokenizerThroughput;

/// <summary>Times <see cref="SentencePieceProcessor"/>.</summary>
internal sealed class OursRunner(string modelPath)
{
    private readonly SentencePieceProcessor _sp = SentencePieceProcessor.Load(modelPath);

    public int[][] IdsOf(string[] lines) => lines.Select(_sp.EncodeToIds).ToArray();

    public Measurement MeasureIds(string[] lines, int repeat)
    {
        IdsOf(lines); // warm-up: JIT tiering and scratch buffers
        long tokens = 0;
        var watch = Stopwatch.StartNew();
        for (var r = 0; r < repeat; r++)
            foreach (var line in lines) tokens += _sp.EncodeToIds(line).Length;
        return new Measurement("ours EncodeToIds", tokens, watch.Elapsed.TotalSeconds, IdsOf(lines));
    }

    public Measurement MeasureWithOffsets(string[] lines, int repeat)
    {
        var output = new List<SentencePieceToken>();
        foreach (var line in lines) { output.Clear(); _sp.Encode(line, output); }
        long tokens = 0;
        var watch = Stopwatch.StartNew();
        for (var r = 0; r < repeat; r++)
            foreach (var line in lines)
            {
                output.Clear();
                _sp.Encode(line, output);
                tokens += output.Count;
            }
        var ids = lines.Select(l => { var o = new List<SentencePieceToken>(); _sp.Encode(l, o); return o.Select(t => t.Id).ToArray(); }).ToArray();
        return new Measurement("ours Encode (with offsets)", tokens, watch.Elapsed.TotalSeconds, ids);
    }
}
