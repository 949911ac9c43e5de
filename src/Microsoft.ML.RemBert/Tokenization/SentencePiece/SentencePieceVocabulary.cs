using System.Globalization;

namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// The model's pieces, validated like sentencepiece's ModelInterface::InitializePieces, with the lookup structures
/// the encoders need: NORMAL/USER_DEFINED/UNUSED pieces in one trie ("pieces_"), CONTROL/UNKNOWN/BYTE pieces in
/// another ("reserved_id_map_"; PieceToId looks there first), user-defined symbols for the prefix matcher, and the
/// id of every byte piece for byte fallback.
/// </summary>
internal sealed class SentencePieceVocabulary
{
    private const int ByteCount = 256;
    private const string BytePieceFormat = "<0x{0:X2}>";

    private readonly Dictionary<string, int> _normalByText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _reservedByText = new(StringComparer.Ordinal);
    private readonly int[]? _reservedShadow;

    public SentencePieceVocabulary(ModelProto model, string context)
    {
        var pieces = model.Pieces;
        Count = pieces.Count;
        Pieces = new string[Count];
        Utf8 = new byte[Count][];
        Scores = new float[Count];
        Types = new PieceType[Count];
        var byteFound = new bool[ByteCount];
        BytePieceIds = model.TrainerSpec.ByteFallback ? new int[ByteCount] : [];
        UnknownId = -1;
        MinNormalScore = float.MaxValue;
        MaxNormalScore = FloatMin; // sentencepiece starts max_score_ at FLT_MIN; kept because it sets the user-defined bonus
        var userSymbols = new List<(byte[], int)>();
        for (var id = 0; id < Count; id++)
        {
            var p = pieces[id];
            Pieces[id] = p.Piece;
            Utf8[id] = p.Utf8;
            Scores[id] = p.Score;
            Types[id] = p.Type;
            var isNormal = p.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused;
            if (!(isNormal ? _normalByText : _reservedByText).TryAdd(p.Piece, id))
                throw new SentencePieceModelException($"{context}: piece '{p.Piece}' (id {id}) is already defined.");
            switch (p.Type)
            {
                case PieceType.Normal:
                    MinNormalScore = Math.Min(MinNormalScore, p.Score);
                    MaxNormalScore = Math.Max(MaxNormalScore, p.Score);
                    break;
                case PieceType.UserDefined:
                    userSymbols.Add((p.Utf8, id));
                    break;
                case PieceType.Unknown:
                    if (UnknownId >= 0) throw new SentencePieceModelException($"{context}: the unknown piece is defined twice (ids {UnknownId} and {id}).");
                    UnknownId = id;
                    break;
                case PieceType.Byte:
                    if (!model.TrainerSpec.ByteFallback)
                        throw new SentencePieceModelException($"{context}: byte piece '{p.Piece}' (id {id}) is present although trainer_spec.byte_fallback is false.");
                    var value = PieceToByte(p.Piece);
                    if (value < 0) throw new SentencePieceModelException($"{context}: byte piece '{p.Piece}' (id {id}) is not of the form <0xXX>.");
                    byteFound[value] = true;
                    BytePieceIds[value] = id;
                    break;
            }
        }
        if (UnknownId < 0) throw new SentencePieceModelException($"{context}: no piece has type UNKNOWN (the model defines no unknown piece).");
        if (model.TrainerSpec.ByteFallback && Array.IndexOf(byteFound, false) is var missing and >= 0)
            throw new SentencePieceModelException($"{context}: trainer_spec.byte_fallback is true but byte piece <0x{missing:X2}> is missing.");

        NormalTrie = ByteTrieBuilder.Build(_normalByText.Values.Select(id => (Utf8[id], id)));
        ReservedTrie = ByteTrieBuilder.Build(_reservedByText.Values.Select(id => (Utf8[id], id)));
        UserSymbols = ByteTrieBuilder.Build(userSymbols);
        foreach (var (text, reservedId) in _reservedByText)
        {
            if (!_normalByText.TryGetValue(text, out var normalId)) continue;
            _reservedShadow ??= Enumerable.Repeat(-1, Count).ToArray();
            _reservedShadow[normalId] = reservedId;
        }
        HasUnusedPieces = Types.Contains(PieceType.Unused);
    }

    /// <summary>FLT_MIN (smallest positive normal float), sentencepiece's initial max_score_.</summary>
    private const float FloatMin = 1.17549435e-38f;

    public int Count { get; }
    public string[] Pieces { get; }
    public byte[][] Utf8 { get; }
    public float[] Scores { get; }
    public PieceType[] Types { get; }
    /// <summary>The piece of type UNKNOWN (sentencepiece's unk_id_, used for every unknown segment).</summary>
    public int UnknownId { get; }
    public float MinNormalScore { get; }
    public float MaxNormalScore { get; }
    public bool HasUnusedPieces { get; }
    /// <summary>NORMAL, USER_DEFINED and UNUSED pieces.</summary>
    public ByteTrie NormalTrie { get; }
    /// <summary>CONTROL, UNKNOWN and BYTE pieces.</summary>
    public ByteTrie ReservedTrie { get; }
    /// <summary>USER_DEFINED pieces (the normalizer's and BPE's prefix matcher).</summary>
    public ByteTrie UserSymbols { get; }
    /// <summary>Id of byte piece &lt;0xXX&gt; by byte value; empty without byte fallback.</summary>
    public int[] BytePieceIds { get; }

    /// <summary>sentencepiece's PieceToId: reserved pieces first, then the others, else the unknown id.</summary>
    public int PieceToId(string piece) =>
        _reservedByText.TryGetValue(piece, out var id) || _normalByText.TryGetValue(piece, out id) ? id : UnknownId;

    /// <summary>sentencepiece's PieceToId for UTF-8 text.</summary>
    public int PieceToId(ReadOnlySpan<byte> utf8) => ResolveId(NormalTrie.Find(utf8), utf8);

    /// <summary>PieceToId for UTF-8 text whose lookup in <see cref="NormalTrie"/> gave <paramref name="normalId"/>.</summary>
    public int ResolveId(int normalId, ReadOnlySpan<byte> utf8)
    {
        if (normalId >= 0) return _reservedShadow is { } shadow && shadow[normalId] >= 0 ? shadow[normalId] : normalId;
        var reserved = ReservedTrie.Find(utf8);
        return reserved >= 0 ? reserved : UnknownId;
    }

    /// <summary>The byte a piece "&lt;0xXX&gt;" stands for (uppercase hex, exactly as sentencepiece writes it), or -1.</summary>
    public static int PieceToByte(string piece)
    {
        if (piece.Length != 6 || !piece.StartsWith("<0x", StringComparison.Ordinal) || piece[5] != '>') return -1;
        var hex = piece.AsSpan(3, 2);
        foreach (var c in hex) if (!char.IsAsciiHexDigitUpper(c) && !char.IsAsciiDigit(c)) return -1;
        return int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>The piece text of byte <paramref name="value"/>.</summary>
    public static string ByteToPiece(int value) => string.Format(CultureInfo.InvariantCulture, BytePieceFormat, value);

    public bool Is(int id, PieceType type) => (uint)id < (uint)Count && Types[id] == type;
}
