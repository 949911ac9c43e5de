using System.Text;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// sentencepiece's Decode (as spm_decode): control pieces vanish, the unknown piece prints unk_surface, runs of byte
/// pieces are reassembled into UTF-8 (each malformed byte → U+FFFD), '▁' becomes ' ', the leading '▁' of the first
/// visible piece is dropped when the normalizer adds a dummy prefix or removes extra whitespace, and the optional
/// denormalizer is applied last.
/// </summary>
internal sealed class SentencePieceDecoder
{
    /// <summary>sentencepiece's kDefaultUnknownSymbol " ⁇ ".</summary>
    private const string DefaultUnknownSurface = " \u2047 ";

    private readonly SentencePieceVocabulary _vocabulary;
    private readonly byte[] _unknownSurface;
    private readonly bool _stripLeadingSpace;
    private readonly bool _removeExtraWhitespaces;
    private readonly SentencePieceNormalizer? _denormalizer;

    public SentencePieceDecoder(SentencePieceVocabulary vocabulary, ModelProto model, string context)
    {
        _vocabulary = vocabulary;
        _unknownSurface = Encoding.UTF8.GetBytes(model.TrainerSpec.UnkSurface ?? DefaultUnknownSurface);
        _stripLeadingSpace = model.NormalizerSpec.AddDummyPrefix || model.NormalizerSpec.RemoveExtraWhitespaces;
        _removeExtraWhitespaces = model.NormalizerSpec.RemoveExtraWhitespaces;
        if (model.DenormalizerSpec is { PrecompiledCharsMap.Length: > 0 } denormalizer)
            _denormalizer = new SentencePieceNormalizer(denormalizer, treatWhitespaceAsSuffix: false, userSymbols: null, $"{context} denormalizer_spec");
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new List<byte>();
        var pendingBytes = new List<byte>();
        var isBosWhitespace = true;
        var bosWhitespaceSeen = false;
        foreach (var rawId in ids)
        {
            if ((uint)rawId >= (uint)_vocabulary.Count)
                throw new ArgumentOutOfRangeException(nameof(ids), rawId, $"Piece id {rawId} is outside the vocabulary [0, {_vocabulary.Count}).");
            var piece = _vocabulary.Pieces[rawId];
            var id = _vocabulary.PieceToId(piece); // the reference re-resolves each piece's text
            if (_vocabulary.Types[id] == PieceType.Byte)
            {
                pendingBytes.Add((byte)SentencePieceVocabulary.PieceToByte(piece));
                continue;
            }
            FlushBytes(pendingBytes, text);
            if (bosWhitespaceSeen || text.Count > 0) isBosWhitespace = false;
            bosWhitespaceSeen = AppendPiece(text, piece, id, isBosWhitespace);
        }
        FlushBytes(pendingBytes, text);
        var bytes = text.ToArray();
        if (_denormalizer is not null)
        {
            var output = new byte[bytes.Length + 1];
            var none = new NoAlignment();
            var length = _denormalizer.Normalize(bytes, ref output, ref none);
            bytes = output.AsSpan(0, length).ToArray();
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Appends one non-byte piece; returns whether it consumed the leading whitespace symbol.</summary>
    private bool AppendPiece(List<byte> text, string piece, int id, bool isBosWhitespace)
    {
        var type = _vocabulary.Types[id];
        if (type == PieceType.Control) return false;
        var utf8 = _vocabulary.Utf8[id];
        if (type == PieceType.Unknown)
        {
            text.AddRange(_vocabulary.Pieces[id] == piece ? _unknownSurface : utf8);
            return false;
        }
        ReadOnlySpan<byte> rest = utf8;
        var consumed = false;
        if (isBosWhitespace && _stripLeadingSpace && rest.StartsWith(Utf8Util.SpaceSymbol))
        {
            rest = rest.Slice(Utf8Util.SpaceSymbol.Length);
            consumed = !_removeExtraWhitespaces; // with whitespace removal every leading symbol goes (reference)
        }
        while (!rest.IsEmpty)
        {
            var at = rest.IndexOf(Utf8Util.SpaceSymbol);
            if (at < 0)
            {
                text.AddRange(rest);
                break;
            }
            text.AddRange(rest.Slice(0, at));
            text.Add((byte)' ');
            rest = rest.Slice(at + Utf8Util.SpaceSymbol.Length);
        }
        return consumed;
    }

    /// <summary>Reassembles a run of byte pieces: well-formed characters kept, each malformed byte → U+FFFD.</summary>
    private static void FlushBytes(List<byte> pending, List<byte> text)
    {
        if (pending.Count == 0) return;
        ReadOnlySpan<byte> bytes = pending.ToArray();
        while (!bytes.IsEmpty)
        {
            var length = Utf8Util.ValidCharLength(bytes);
            if (length == 0)
            {
                text.AddRange(Utf8Util.ReplacementCharacter);
                bytes = bytes.Slice(1);
            }
            else
            {
                text.AddRange(bytes.Slice(0, length));
                bytes = bytes.Slice(length);
            }
        }
        pending.Clear();
    }
}
