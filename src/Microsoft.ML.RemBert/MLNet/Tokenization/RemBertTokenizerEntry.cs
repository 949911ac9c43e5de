using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Tokenization;

/// <summary>
/// Stores a <see cref="RemBertTokenizer"/> (its SentencePiece model bytes and tokenizer_config options) as one
/// entry of an ML.NET model zip, so a saved model needs no side files. Shared by every transformer/trainer that
/// owns a tokenizer. The options are the rows of <see cref="TokenizerOptionFields.All"/>, stored by key.
/// </summary>
internal static class RemBertTokenizerEntry
{
    /// <summary>Name of the entry inside the owning transformer's directory.</summary>
    public const string EntryName = "RemBertTokenizer.bin";

    // Version 2 (written): options stored by key. Version 1 (still read): nine options stored by position.
    private static readonly EntryFormatVersion Version = new(Current: 2, OldestReadable: 1);

    // The options version 1 stored, in its order: bool ×3, string ×5, int32.
    private static readonly string[] Version1Keys =
        ["do_lower_case", "remove_space", "keep_accents", "cls_token", "sep_token", "pad_token", "unk_token", "mask_token", "model_max_length"];

    // Body layout, version 2 (inside the VersionedEntry frame: magic, version, body, end marker):
    //   int32   OptionCount
    //   OptionCount × { string Key (tokenizer_config.json key); byte Kind (1 bool, 2 string, 3 int32); value }
    //           values: bool = 1 byte; string = BinaryWriter length-prefixed UTF-8; int32 = 4 bytes little-endian
    //           options absent from the entry keep their defaults; an unknown key or a kind other than the
    //           option's is an error naming it (a newer writer's option this build cannot apply)
    //   blob    SentencePiece model (ModelProto bytes, exactly as in sentencepiece.model)  (int64 length + bytes)
    // Body layout, version 1:
    //   bool    DoLowerCase, RemoveSpace, KeepAccents
    //   string  ClsToken, SepToken, PadToken, UnkToken, MaskToken   (BinaryWriter length-prefixed UTF-8)
    //   int32   ModelMaxLength
    //   blob    SentencePiece model
    public static void Save(ModelSaveContext ctx, RemBertTokenizer tokenizer)
        => ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(TokenizerOptionFields.All.Count);
            foreach (var field in TokenizerOptionFields.All)
            {
                writer.Write(field.Key);
                writer.Write((byte)field.Kind);
                field.WriteValue(writer, tokenizer.Options);
            }
            writer.WriteBlob(tokenizer.SentencePiece.ModelBytes.Span);
        });

    /// <summary>Reads the layout written by <see cref="Save"/> (or by version 1).</summary>
    public static RemBertTokenizer Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        return ctx.LoadEntry(EntryName, Version, (reader, version) =>
        {
            try
            {
                var options = version == 1 ? ReadVersion1Options(reader) : ReadOptions(reader, entryPath);
                byte[] model = reader.ReadBlob("SentencePiece model");
                return RemBertTokenizer.FromSentencePiece(SentencePieceProcessor.FromBytes(model, entryPath), options);
            }
            catch (Exception ex) when (ex is not (RemBertModelFormatException or EndOfStreamException)
                && ex is InvalidDataException or IOException or ArgumentException or FormatException)
            {
                // Whatever part of the entry is malformed (a string, the blob's length, the SentencePiece bytes, options
                // that do not fit the model), the entry is at fault: name it. A short read is left to VersionedEntry,
                // which reports it as "truncated".
                throw new RemBertModelFormatException(entryPath, ex.Message, ex);
            }
        });
    }

    private static RemBertTokenizerOptions ReadOptions(BinaryReader reader, string entryPath)
    {
        int count = reader.ReadInt32();
        if (count < 0)
            throw new RemBertModelFormatException(entryPath, $"negative tokenizer option count {count}.");
        var options = new RemBertTokenizerOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString();
            var kind = (TokenizerOptionKind)reader.ReadByte();
            var field = TokenizerOptionFields.Find(key)
                ?? throw new RemBertModelFormatException(entryPath, $"tokenizer option '{key}' is unknown to this build (written by a newer version?).");
            if (field.Kind != kind)
                throw new RemBertModelFormatException(entryPath, $"tokenizer option '{key}' is stored as {kind}, but it is a {field.Kind} option.");
            if (!seen.Add(key))
                throw new RemBertModelFormatException(entryPath, $"tokenizer option '{key}' appears twice.");
            options = field.ReadValue(reader, options);
        }
        return options;
    }

    private static RemBertTokenizerOptions ReadVersion1Options(BinaryReader reader)
    {
        var options = new RemBertTokenizerOptions();
        foreach (string key in Version1Keys)
            options = TokenizerOptionFields.Find(key)!.ReadValue(reader, options);
        return options;
    }
}
