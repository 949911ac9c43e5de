namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Exact, thread-safe SentencePiece encoder for any .model file (Unigram, BPE, byte fallback, any special layout).</summary>
public sealed class SentencePieceProcessor
{
    private SentencePieceProcessor() { }

    /// <summary>Loads a serialized SentencePiece ModelProto from <paramref name="modelPath"/>.</summary>
    public static SentencePieceProcessor Load(string modelPath) => throw new NotSupportedException();

    /// <summary>Parses a serialized SentencePiece ModelProto.</summary>
    public static SentencePieceProcessor FromBytes(byte[] modelBytes, string sourceName = "<memory>") => throw new NotSupportedException();

    /// <summary>The exact serialized model (for persistence).</summary>
    public ReadOnlyMemory<byte> ModelBytes => throw new NotSupportedException();

    /// <summary>Number of pieces.</summary>
    public int VocabularySize => throw new NotSupportedException();
    /// <summary>Id of the unknown piece, or -1.</summary>
    public int UnkId => throw new NotSupportedException();
    /// <summary>Id of the beginning-of-sentence piece, or -1.</summary>
    public int BosId => throw new NotSupportedException();
    /// <summary>Id of the end-of-sentence piece, or -1.</summary>
    public int EosId => throw new NotSupportedException();
    /// <summary>Id of the padding piece, or -1.</summary>
    public int PadId => throw new NotSupportedException();

    /// <summary>The piece text of <paramref name="id"/>.</summary>
    public string IdToPiece(int id) => throw new NotSupportedException();
    /// <summary>The id of <paramref name="piece"/>, or <see cref="UnkId"/> when absent.</summary>
    public int PieceToId(string piece) => throw new NotSupportedException();
    /// <summary>True for CONTROL pieces.</summary>
    public bool IsControl(int id) => throw new NotSupportedException();
    /// <summary>True for the UNKNOWN piece.</summary>
    public bool IsUnknown(int id) => throw new NotSupportedException();
    /// <summary>True for BYTE pieces.</summary>
    public bool IsByte(int id) => throw new NotSupportedException();
    /// <summary>True for USER_DEFINED pieces.</summary>
    public bool IsUserDefined(int id) => throw new NotSupportedException();

    /// <summary>Appends the pieces of <paramref name="text"/> (no bos/eos) with offsets into the original text.</summary>
    public void Encode(ReadOnlySpan<char> text, List<SentencePieceToken> output) => throw new NotSupportedException();
    /// <summary>Ids only; equals spm_encode --output_format=id.</summary>
    public int[] EncodeToIds(string text) => throw new NotSupportedException();
    /// <summary>Like spm_decode.</summary>
    public string Decode(IEnumerable<int> ids) => throw new NotSupportedException();
}
