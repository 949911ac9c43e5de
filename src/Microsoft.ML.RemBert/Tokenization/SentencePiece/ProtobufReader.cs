namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Protobuf wire types (the only framing the reader needs to skip unknown fields).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Minimal forward-only protobuf reader: enough to parse sentencepiece's ModelProto without a protobuf package.
/// Every malformed input throws <see cref="SentencePieceModelException"/> naming <c>context</c> and the byte offset.
/// </summary>
internal ref struct ProtobufReader
{
    private const int MaxVarintBytes = 10;
    private const int FieldNumberShift = 3;
    private const int WireTypeMask = 7;

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _context;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data, string context)
    {
        _data = data;
        _context = context;
        _position = 0;
    }

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int fieldNumber, out WireType wireType)
    {
        if (_position >= _data.Length)
        {
            fieldNumber = 0;
            wireType = WireType.Varint;
            return false;
        }
        var key = ReadVarint();
        fieldNumber = (int)(key >> FieldNumberShift);
        wireType = (WireType)(key & WireTypeMask);
        if (fieldNumber <= 0) throw Error($"invalid field number {fieldNumber}");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var i = 0; i < MaxVarintBytes; i++)
        {
            if (_position >= _data.Length) throw Error("truncated varint");
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80) return result;
        }
        throw Error("varint longer than 10 bytes");
    }

    /// <summary>int32 fields: negative values are sign-extended 10-byte varints; truncation restores them.</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    public bool ReadBool() => ReadVarint() != 0;

    public float ReadFloat()
    {
        if (_data.Length - _position < sizeof(float)) throw Error("truncated fixed32");
        var value = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(_data.Slice(_position));
        _position += sizeof(float);
        return value;
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position)) throw Error($"length {length} runs past the end of the data");
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadLengthDelimited());

    /// <summary>Skips a field this reader does not interpret (newer sentencepiece versions add fields).</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Advance(sizeof(ulong)); break;
            case WireType.LengthDelimited: ReadLengthDelimited(); break;
            case WireType.Fixed32: Advance(sizeof(uint)); break;
            default: throw Error($"unsupported wire type {(int)wireType}");
        }
    }

    /// <summary>Reads a bool field after checking its wire type (a corrupt file fails here instead of misreading).</summary>
    public bool ReadBool(WireType actual, string field) { Expect(actual, WireType.Varint, field); return ReadBool(); }

    /// <summary>Reads an int32/enum field after checking its wire type.</summary>
    public int ReadInt32(WireType actual, string field) { Expect(actual, WireType.Varint, field); return ReadInt32(); }

    /// <summary>Reads a float field after checking its wire type.</summary>
    public float ReadFloat(WireType actual, string field) { Expect(actual, WireType.Fixed32, field); return ReadFloat(); }

    /// <summary>Reads a string field after checking its wire type.</summary>
    public string ReadString(WireType actual, string field) { Expect(actual, WireType.LengthDelimited, field); return ReadString(); }

    /// <summary>Reads a bytes or embedded-message field after checking its wire type.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(WireType actual, string field)
    {
        Expect(actual, WireType.LengthDelimited, field);
        return ReadLengthDelimited();
    }

    private readonly void Expect(WireType actual, WireType expected, string field)
    {
        if (actual != expected) throw Error($"field '{field}' has wire type {(int)actual}, expected {(int)expected}");
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count) throw Error("truncated fixed-size field");
        _position += count;
    }

    public readonly SentencePieceModelException Error(string message) =>
        new($"{_context}: {message} (at byte {_position}).");
}
