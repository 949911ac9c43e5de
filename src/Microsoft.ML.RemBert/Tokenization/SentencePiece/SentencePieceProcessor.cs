namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// Exact, thread-safe SentencePiece encoder for any .model file (Unigram, BPE, Word, Char, byte fallback, any
/// special layout).
/// Produces the ids of sentencepiece's <c>spm_encode --output_format=id</c> (0.1.97) and decodes like
/// <c>spm_decode</c>. Immutable after loading; each thread reuses its own scratch buffers.
/// </summary>
/// <remarks>
/// Text is encoded as the UTF-8 sentencepiece would read from a file. A lone UTF-16 surrogate has no UTF-8 form; it is
/// passed as its 3-byte generalized-UTF-8 sequence (U+D800 → ED A0 80), which sentencepiece treats as three malformed
/// bytes (three U+FFFD, usually one unknown piece) — the same ids spm_encode gives for a file holding those bytes.
/// </remarks>
public sealed class SentencePieceProcessor
{
    private readonly byte[] _modelBytes;
    private readonly SentencePieceVocabulary _vocabulary;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly SegmentationModel _model;
    private readonly SentencePieceDecoder _decoder;
    private readonly ThreadLocal<EncoderScratch> _scratch = new(() => new EncoderScratch());

    private SentencePieceProcessor(byte[] modelBytes, string sourceName)
    {
        var context = $"SentencePiece model '{sourceName}'";
        var proto = ModelProtoParser.Parse(modelBytes, sourceName);
        _modelBytes = modelBytes;
        _vocabulary = new SentencePieceVocabulary(proto, context);
        _normalizer = new SentencePieceNormalizer(proto.NormalizerSpec, proto.TrainerSpec.TreatWhitespaceAsSuffix, _vocabulary.UserSymbols, $"{context} normalizer_spec");
        _model = proto.TrainerSpec.ModelType switch
        {
            SentencePieceModelType.Unigram => new UnigramModel(_vocabulary),
            SentencePieceModelType.Bpe => new BpeModel(_vocabulary, proto.TrainerSpec.TreatWhitespaceAsSuffix),
            SentencePieceModelType.Word => new WordModel(_vocabulary),
            SentencePieceModelType.Char => new CharModel(_vocabulary),
            var other => throw new NotSupportedException($"{context}: trainer_spec.model_type {other} is not supported."),
        };
        _decoder = new SentencePieceDecoder(_vocabulary, proto, context);
        UnkId = SpecialId(proto.TrainerSpec.UnkPiece, PieceType.Unknown);
        BosId = SpecialId(proto.TrainerSpec.BosPiece, PieceType.Control);
        EosId = SpecialId(proto.TrainerSpec.EosPiece, PieceType.Control);
        PadId = SpecialId(proto.TrainerSpec.PadPiece, PieceType.Control);
    }

    /// <summary>Loads a serialized SentencePiece ModelProto from <paramref name="modelPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SentencePieceModelException">The file is not a valid model; the message names the file and the fault.</exception>
    /// <exception cref="IOException">The path is not a regular file (e.g. /dev/zero) or is over <see cref="MaxModelFileBytes"/>.</exception>
    public static SentencePieceProcessor Load(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"SentencePiece model file '{modelPath}' does not exist.", modelPath);
        return FromBytes(IO.BoundedInputFile.ReadAllBytes(modelPath, MaxModelFileBytes, "a SentencePiece model"), modelPath);
    }

    /// <summary>
    /// The largest .model file read (1 GiB): RemBERT's 250,300-piece model is under 5 MB, so a larger file (or a device
    /// such as /dev/zero, refused outright) is not a SentencePiece model and must not be read whole into memory.
    /// </summary>
    public const long MaxModelFileBytes = 1L << 30;

    /// <summary>Parses a serialized SentencePiece ModelProto; <paramref name="sourceName"/> names it in errors.</summary>
    public static SentencePieceProcessor FromBytes(byte[] modelBytes, string sourceName = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(modelBytes);
        return new SentencePieceProcessor((byte[])modelBytes.Clone(), sourceName);
    }

    /// <summary>The exact serialized model (for persistence).</summary>
    public ReadOnlyMemory<byte> ModelBytes => _modelBytes;

    /// <summary>Number of pieces.</summary>
    public int VocabularySize => _vocabulary.Count;
    /// <summary>Id of the unknown piece, or -1.</summary>
    public int UnkId { get; }
    /// <summary>Id of the beginning-of-sentence control piece, or -1 when the model has none.</summary>
    public int BosId { get; }
    /// <summary>Id of the end-of-sentence control piece, or -1 when the model has none.</summary>
    public int EosId { get; }
    /// <summary>Id of the padding control piece, or -1 when the model has none.</summary>
    public int PadId { get; }

    /// <summary>The piece text of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in [0, <see cref="VocabularySize"/>).</exception>
    public string IdToPiece(int id)
    {
        if ((uint)id >= (uint)_vocabulary.Count)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Piece id {id} is outside the vocabulary [0, {_vocabulary.Count}).");
        return _vocabulary.Pieces[id];
    }

    /// <summary>The id of <paramref name="piece"/>, or <see cref="UnkId"/> when absent.</summary>
    public int PieceToId(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        return _vocabulary.PieceToId(piece);
    }

    /// <summary>True for CONTROL pieces.</summary>
    public bool IsControl(int id) => _vocabulary.Is(id, PieceType.Control);
    /// <summary>True for the UNKNOWN piece.</summary>
    public bool IsUnknown(int id) => _vocabulary.Is(id, PieceType.Unknown);
    /// <summary>True for BYTE pieces.</summary>
    public bool IsByte(int id) => _vocabulary.Is(id, PieceType.Byte);
    /// <summary>True for USER_DEFINED pieces.</summary>
    public bool IsUserDefined(int id) => _vocabulary.Is(id, PieceType.UserDefined);

    /// <summary>
    /// Appends the pieces of <paramref name="text"/> (no bos/eos). Start/Length are UTF-16 offsets into
    /// <paramref name="text"/> covering the characters that produced the piece, excluding whitespace that became
    /// '▁'; a piece made only of '▁' has Length 0. Offsets are non-decreasing and inside [0, text.Length].
    /// </summary>
    public void Encode(ReadOnlySpan<char> text, List<SentencePieceToken> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var scratch = _scratch.Value!;
        var inputLength = Utf16Transcoder.ToUtf8WithAlignment(text, scratch);
        var alignment = new RecordedAlignment(scratch);
        if (scratch.NormalizedSourceStart.Length < inputLength) scratch.GrowAlignment(inputLength);
        var normalizedLength = _normalizer.Normalize(scratch.Utf8.AsSpan(0, inputLength), ref scratch.Normalized, ref alignment);
        var normalized = scratch.Normalized.AsSpan(0, normalizedLength);
        _model.Segment(normalized, scratch);
        var sink = new TokenSink(scratch, output);
        PieceAssembler.Assemble(scratch, normalized, _vocabulary, ref sink);
    }

    /// <summary>The ids of <paramref name="text"/> (no bos/eos); equals <c>spm_encode --output_format=id</c>.</summary>
    public int[] EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = _scratch.Value!;
        var inputLength = Utf16Transcoder.ToUtf8(text, ref scratch.Utf8);
        var alignment = new NoAlignment();
        var normalizedLength = _normalizer.Normalize(scratch.Utf8.AsSpan(0, inputLength), ref scratch.Normalized, ref alignment);
        var normalized = scratch.Normalized.AsSpan(0, normalizedLength);
        _model.Segment(normalized, scratch);
        var sink = new IdSink(scratch);
        PieceAssembler.Assemble(scratch, normalized, _vocabulary, ref sink);
        return scratch.Ids.AsSpan(0, sink.Count).ToArray();
    }

    /// <summary>Decodes ids like <c>spm_decode --input_format=id</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in [0, <see cref="VocabularySize"/>).</exception>
    public string Decode(IEnumerable<int> ids) => _decoder.Decode(ids);

    /// <summary>sentencepiece's unk_id()/bos_id()/...: the named piece's id when it has the expected type, else -1.</summary>
    private int SpecialId(string piece, PieceType expected)
    {
        var id = _vocabulary.PieceToId(piece);
        return _vocabulary.Is(id, expected) ? id : -1;
    }
}
