using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Tokenization;

/// <summary>
/// Stores a <see cref="RemBertTokenizer"/> (its SentencePiece model bytes and tokenizer_config options) as one
/// entry of an ML.NET model zip, so a saved model needs no side files. Shared by every transformer/trainer that
/// owns a tokenizer.
/// </summary>
internal static class RemBertTokenizerEntry
{
    /// <summary>Name of the entry inside the owning transformer's directory.</summary>
    public const string EntryName = "RemBertTokenizer.bin";

    // Version 1: the layout below.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    // Body layout, version 1 (inside the VersionedEntry frame: magic, version, body, end marker):
    //   bool    DoLowerCase
    //   bool    RemoveSpace
    //   bool    KeepAccents
    //   string  ClsToken, SepToken, PadToken, UnkToken, MaskToken   (BinaryWriter length-prefixed UTF-8)
    //   int32   ModelMaxLength
    //   blob    SentencePiece model (ModelProto bytes, exactly as in sentencepiece.model)  (int64 length + bytes)
    public static void Save(ModelSaveContext ctx, RemBertTokenizer tokenizer)
        => ctx.SaveEntry(EntryName, Version, writer =>
        {
            var options = tokenizer.Options;
            writer.Write(options.DoLowerCase);
            writer.Write(options.RemoveSpace);
            writer.Write(options.KeepAccents);
            writer.Write(options.ClsToken);
            writer.Write(options.SepToken);
            writer.Write(options.PadToken);
            writer.Write(options.UnkToken);
            writer.Write(options.MaskToken);
            writer.Write(options.ModelMaxLength);
            writer.WriteBlob(tokenizer.SentencePiece.ModelBytes.Span);
        });

    /// <summary>Reads the layout written by <see cref="Save"/> (same field order).</summary>
    public static RemBertTokenizer Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        return ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            try
            {
                return Read(reader, entryPath);
            }
            catch (Exception ex) when (ex is not (Persistence.RemBertModelFormatException or EndOfStreamException)
                && ex is InvalidDataException or IOException or ArgumentException or FormatException)
            {
                // Whatever part of the entry is malformed (a string, the blob's length, the SentencePiece bytes, options
                // that do not fit the model), the entry is at fault: name it. A short read is left to VersionedEntry,
                // which reports it as "truncated".
                throw new Persistence.RemBertModelFormatException(entryPath, ex.Message, ex);
            }
        });
    }

    private static RemBertTokenizer Read(BinaryReader reader, string entryPath)
    {
        var options = new RemBertTokenizerOptions
        {
            DoLowerCase = reader.ReadBoolean(),
            RemoveSpace = reader.ReadBoolean(),
            KeepAccents = reader.ReadBoolean(),
            ClsToken = reader.ReadString(),
            SepToken = reader.ReadString(),
            PadToken = reader.ReadString(),
            UnkToken = reader.ReadString(),
            MaskToken = reader.ReadString(),
            ModelMaxLength = reader.ReadInt32(),
        };
        byte[] model = reader.ReadBlob("SentencePiece model");
        return RemBertTokenizer.FromSentencePiece(SentencePieceProcessor.FromBytes(model, entryPath), options);
    }
}
