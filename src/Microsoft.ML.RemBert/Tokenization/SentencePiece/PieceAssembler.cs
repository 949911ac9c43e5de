using System.Runtime.CompilerServices;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's PopulateSentencePieceText: turns model pieces into output pieces. With byte fallback an unknown
/// piece becomes one &lt;0xXX&gt; piece per UTF-8 byte (only the last one carrying the surface); without it, consecutive
/// unknown pieces merge into one.
/// </summary>
internal static class PieceAssembler
{
    public static void Assemble<TSink>(EncoderScratch scratch, ReadOnlySpan<byte> normalized, SentencePieceVocabulary vocabulary, ref TSink sink)
        where TSink : struct, IPieceSink
    {
        var types = vocabulary.Types;
        var byteIds = vocabulary.BytePieceIds;
        var byteFallback = byteIds.Length > 0;
        var previousUnknown = false;
        for (var k = 0; k < scratch.PieceCount; k++)
        {
            var id = scratch.PieceId[k];
            var start = scratch.PieceStart[k];
            var end = start + scratch.PieceLength[k];
            var unknown = types[id] == PieceType.Unknown;
            if (unknown && byteFallback)
            {
                for (var b = start; b < end; b++) sink.Add(byteIds[normalized[b]], start, end, empty: b != end - 1);
            }
            else if (unknown && previousUnknown)
            {
                sink.ExtendLast(end);
            }
            else
            {
                sink.Add(id, start, end, empty: false);
            }
            previousUnknown = unknown;
        }
    }
}
