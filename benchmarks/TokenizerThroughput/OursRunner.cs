using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;

namespace TokenizerThroughput;

/// <summary>Times <see cref="SentencePieceProcessor"/>.</summary>
internal sealed class OursRunner(string modelPath)
{
    private readonly SentencePieceProcessor _sp = SentencePieceProcessor.Load(modelPath);

    public int[][] IdsOf(string[] lines) => lines.Select(_sp.EncodeToIds).ToArray();

    public Measurement MeasureIds(string[] lines, int repeat) =>
        Measurement.Time("ours EncodeToIds", repeat, () =>
        {
            long tokens = 0;
            foreach (var line in lines) tokens += _sp.EncodeToIds(line).Length;
            return tokens;
        }, IdsOf(lines));

    public Measurement MeasureWithOffsets(string[] lines, int repeat)
    {
        var output = new List<SentencePieceToken>();
        var ids = lines.Select(l => { var o = new List<SentencePieceToken>(); _sp.Encode(l, o); return o.Select(t => t.Id).ToArray(); }).ToArray();
        return Measurement.Time("ours Encode (with offsets)", repeat, () =>
        {
            long tokens = 0;
            foreach (var line in lines)
            {
                output.Clear();
                _sp.Encode(line, output);
                tokens += output.Count;
            }
            return tokens;
        }, ids);
    }
}
