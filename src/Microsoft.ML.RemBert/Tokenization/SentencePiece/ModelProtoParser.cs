namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>Parses sentencepiece_model.proto messages with <see cref="ProtobufReader"/> (field numbers from that file).</summary>
internal static class ModelProtoParser
{
    private static class ModelField { public const int Pieces = 1, TrainerSpec = 2, NormalizerSpec = 3, DenormalizerSpec = 5; }
    private static class PieceField { public const int Piece = 1, Score = 2, Type = 3; }
    private static class TrainerField
    {
        public const int ModelType = 3, TreatWhitespaceAsSuffix = 24, AllowWhitespaceOnlyPieces = 26, ByteFallback = 35,
            UnkSurface = 44, UnkPiece = 45, BosPiece = 46, EosPiece = 47, PadPiece = 48;
    }
    private static class NormalizerField
    {
        public const int Name = 1, PrecompiledCharsMap = 2, AddDummyPrefix = 3, RemoveExtraWhitespaces = 4, EscapeWhitespaces = 5;
    }

    /// <summary>Parses <paramref name="data"/>; errors name <paramref name="source"/> and the field at fault.</summary>
    public static ModelProto Parse(ReadOnlySpan<byte> data, string source)
    {
        var context = $"SentencePiece model '{source}'";
        if (data.IsEmpty) throw new InvalidDataException($"{context}: the file is empty.");
        var reader = new ProtobufReader(data, context);
        var pieces = new List<PieceProto>();
        TrainerSpecProto? trainer = null;
        NormalizerSpecProto? normalizer = null, denormalizer = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ModelField.Pieces:
                    reader.Expect(wire, WireType.LengthDelimited, "pieces");
                    pieces.Add(ParsePiece(reader.ReadLengthDelimited(), $"{context} pieces[{pieces.Count}]"));
                    break;
                case ModelField.TrainerSpec:
                    reader.Expect(wire, WireType.LengthDelimited, "trainer_spec");
                    trainer = ParseTrainerSpec(reader.ReadLengthDelimited(), $"{context} trainer_spec");
                    break;
                case ModelField.NormalizerSpec:
                    reader.Expect(wire, WireType.LengthDelimited, "normalizer_spec");
                    normalizer = ParseNormalizerSpec(reader.ReadLengthDelimited(), $"{context} normalizer_spec");
                    break;
                case ModelField.DenormalizerSpec:
                    reader.Expect(wire, WireType.LengthDelimited, "denormalizer_spec");
                    denormalizer = ParseNormalizerSpec(reader.ReadLengthDelimited(), $"{context} denormalizer_spec");
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (pieces.Count == 0) throw new InvalidDataException($"{context}: the model has no pieces (not a SentencePiece model?).");
        return new ModelProto(pieces, trainer ?? new TrainerSpecProto(), normalizer ?? new NormalizerSpecProto(), denormalizer);
    }

    private static PieceProto ParsePiece(ReadOnlySpan<byte> data, string context)
    {
        var reader = new ProtobufReader(data, context);
        byte[]? utf8 = null;
        float score = 0;
        var type = PieceType.Normal;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case PieceField.Piece:
                    reader.Expect(wire, WireType.LengthDelimited, "piece");
                    utf8 = reader.ReadLengthDelimited().ToArray();
                    break;
                case PieceField.Score:
                    reader.Expect(wire, WireType.Fixed32, "score");
                    score = reader.ReadFloat();
                    break;
                case PieceField.Type:
                    reader.Expect(wire, WireType.Varint, "type");
                    var raw = reader.ReadInt32();
                    if (!Enum.IsDefined((PieceType)raw)) throw new InvalidDataException($"{context}: unknown piece type {raw}.");
                    type = (PieceType)raw;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (utf8 is null || utf8.Length == 0) throw new InvalidDataException($"{context}: piece must not be empty.");
        return new PieceProto(System.Text.Encoding.UTF8.GetString(utf8), utf8, score, type);
    }

    private static TrainerSpecProto ParseTrainerSpec(ReadOnlySpan<byte> data, string context)
    {
        var reader = new ProtobufReader(data, context);
        var spec = new TrainerSpecProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TrainerField.ModelType:
                    reader.Expect(wire, WireType.Varint, "model_type");
                    var raw = reader.ReadInt32();
                    if (!Enum.IsDefined((SentencePieceModelType)raw)) throw new InvalidDataException($"{context}: unknown model_type {raw}.");
                    spec = spec with { ModelType = (SentencePieceModelType)raw };
                    break;
                case TrainerField.TreatWhitespaceAsSuffix:
                    reader.Expect(wire, WireType.Varint, "treat_whitespace_as_suffix");
                    spec = spec with { TreatWhitespaceAsSuffix = reader.ReadBool() };
                    break;
                case TrainerField.AllowWhitespaceOnlyPieces:
                    reader.Expect(wire, WireType.Varint, "allow_whitespace_only_pieces");
                    spec = spec with { AllowWhitespaceOnlyPieces = reader.ReadBool() };
                    break;
                case TrainerField.ByteFallback:
                    reader.Expect(wire, WireType.Varint, "byte_fallback");
                    spec = spec with { ByteFallback = reader.ReadBool() };
                    break;
                case TrainerField.UnkSurface:
                    reader.Expect(wire, WireType.LengthDelimited, "unk_surface");
                    spec = spec with { UnkSurface = reader.ReadString() };
                    break;
                // An empty special-piece name means "the default" in sentencepiece (ModelInterface::unk_piece()).
                case TrainerField.UnkPiece:
                    reader.Expect(wire, WireType.LengthDelimited, "unk_piece");
                    spec = spec with { UnkPiece = OrDefault(reader.ReadString(), spec.UnkPiece) };
                    break;
                case TrainerField.BosPiece:
                    reader.Expect(wire, WireType.LengthDelimited, "bos_piece");
                    spec = spec with { BosPiece = OrDefault(reader.ReadString(), spec.BosPiece) };
                    break;
                case TrainerField.EosPiece:
                    reader.Expect(wire, WireType.LengthDelimited, "eos_piece");
                    spec = spec with { EosPiece = OrDefault(reader.ReadString(), spec.EosPiece) };
                    break;
                case TrainerField.PadPiece:
                    reader.Expect(wire, WireType.LengthDelimited, "pad_piece");
                    spec = spec with { PadPiece = OrDefault(reader.ReadString(), spec.PadPiece) };
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return spec;
    }

    private static NormalizerSpecProto ParseNormalizerSpec(ReadOnlySpan<byte> data, string context)
    {
        var reader = new ProtobufReader(data, context);
        var spec = new NormalizerSpecProto();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case NormalizerField.Name:
                    reader.Expect(wire, WireType.LengthDelimited, "name");
                    spec = spec with { Name = reader.ReadString() };
                    break;
                case NormalizerField.PrecompiledCharsMap:
                    reader.Expect(wire, WireType.LengthDelimited, "precompiled_charsmap");
                    spec = spec with { PrecompiledCharsMap = reader.ReadLengthDelimited().ToArray() };
                    break;
                case NormalizerField.AddDummyPrefix:
                    reader.Expect(wire, WireType.Varint, "add_dummy_prefix");
                    spec = spec with { AddDummyPrefix = reader.ReadBool() };
                    break;
                case NormalizerField.RemoveExtraWhitespaces:
                    reader.Expect(wire, WireType.Varint, "remove_extra_whitespaces");
                    spec = spec with { RemoveExtraWhitespaces = reader.ReadBool() };
                    break;
                case NormalizerField.EscapeWhitespaces:
                    reader.Expect(wire, WireType.Varint, "escape_whitespaces");
                    spec = spec with { EscapeWhitespaces = reader.ReadBool() };
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return spec;
    }

    private static string OrDefault(string value, string fallback) => value.Length == 0 ? fallback : value;
}
