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
        if (data.IsEmpty) throw new SentencePieceModelException($"{context}: the file is empty.");
        var reader = new ProtobufReader(data, context);
        var pieces = new List<PieceProto>();
        TrainerSpecProto? trainer = null;
        NormalizerSpecProto? normalizer = null, denormalizer = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ModelField.Pieces:
                    pieces.Add(ParsePiece(reader.ReadLengthDelimited(wire, "pieces"), $"{context} pieces[{pieces.Count}]"));
                    break;
                case ModelField.TrainerSpec:
                    trainer = ParseTrainerSpec(reader.ReadLengthDelimited(wire, "trainer_spec"), $"{context} trainer_spec");
                    break;
                case ModelField.NormalizerSpec:
                    normalizer = ParseNormalizerSpec(reader.ReadLengthDelimited(wire, "normalizer_spec"), $"{context} normalizer_spec");
                    break;
                case ModelField.DenormalizerSpec:
                    denormalizer = ParseNormalizerSpec(reader.ReadLengthDelimited(wire, "denormalizer_spec"), $"{context} denormalizer_spec");
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (pieces.Count == 0) throw new SentencePieceModelException($"{context}: the model has no pieces (not a SentencePiece model?).");
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
                    utf8 = reader.ReadLengthDelimited(wire, "piece").ToArray();
                    break;
                case PieceField.Score:
                    score = reader.ReadFloat(wire, "score");
                    break;
                case PieceField.Type:
                    var raw = reader.ReadInt32(wire, "type");
                    if (!Enum.IsDefined((PieceType)raw)) throw new SentencePieceModelException($"{context}: unknown piece type {raw}.");
                    type = (PieceType)raw;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (utf8 is null || utf8.Length == 0) throw new SentencePieceModelException($"{context}: piece must not be empty.");
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
                    var raw = reader.ReadInt32(wire, "model_type");
                    if (!Enum.IsDefined((SentencePieceModelType)raw)) throw new SentencePieceModelException($"{context}: unknown model_type {raw}.");
                    spec = spec with { ModelType = (SentencePieceModelType)raw };
                    break;
                case TrainerField.TreatWhitespaceAsSuffix:
                    spec = spec with { TreatWhitespaceAsSuffix = reader.ReadBool(wire, "treat_whitespace_as_suffix") };
                    break;
                case TrainerField.AllowWhitespaceOnlyPieces:
                    spec = spec with { AllowWhitespaceOnlyPieces = reader.ReadBool(wire, "allow_whitespace_only_pieces") };
                    break;
                case TrainerField.ByteFallback:
                    spec = spec with { ByteFallback = reader.ReadBool(wire, "byte_fallback") };
                    break;
                case TrainerField.UnkSurface:
                    spec = spec with { UnkSurface = reader.ReadString(wire, "unk_surface") };
                    break;
                // An empty special-piece name means "the default" in sentencepiece (ModelInterface::unk_piece()).
                case TrainerField.UnkPiece:
                    spec = spec with { UnkPiece = OrDefault(reader.ReadString(wire, "unk_piece"), spec.UnkPiece) };
                    break;
                case TrainerField.BosPiece:
                    spec = spec with { BosPiece = OrDefault(reader.ReadString(wire, "bos_piece"), spec.BosPiece) };
                    break;
                case TrainerField.EosPiece:
                    spec = spec with { EosPiece = OrDefault(reader.ReadString(wire, "eos_piece"), spec.EosPiece) };
                    break;
                case TrainerField.PadPiece:
                    spec = spec with { PadPiece = OrDefault(reader.ReadString(wire, "pad_piece"), spec.PadPiece) };
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
                    spec = spec with { Name = reader.ReadString(wire, "name") };
                    break;
                case NormalizerField.PrecompiledCharsMap:
                    spec = spec with { PrecompiledCharsMap = reader.ReadLengthDelimited(wire, "precompiled_charsmap").ToArray() };
                    break;
                case NormalizerField.AddDummyPrefix:
                    spec = spec with { AddDummyPrefix = reader.ReadBool(wire, "add_dummy_prefix") };
                    break;
                case NormalizerField.RemoveExtraWhitespaces:
                    spec = spec with { RemoveExtraWhitespaces = reader.ReadBool(wire, "remove_extra_whitespaces") };
                    break;
                case NormalizerField.EscapeWhitespaces:
                    spec = spec with { EscapeWhitespaces = reader.ReadBool(wire, "escape_whitespaces") };
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
