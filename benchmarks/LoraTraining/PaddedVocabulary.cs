namespace LoraTraining;

/// <summary>
/// A SentencePiece model with google/rembert's 250,300 pieces made from the committed 8,000-piece one: the trainer
/// requires the tokenizer's piece count to equal the model's vocab_size, and no 250k-piece model is in the repo. The
/// extra pieces are appended as further entries of ModelProto's repeated field 1 (protobuf concatenates repeated
/// fields), each a unique string no text contains, with a score that never wins: tokenization is the 8k model's, and
/// the embedding table (and its gradient and AdamW state in the full fine-tune) has RemBERT's real size.
/// </summary>
internal static class PaddedVocabulary
{
    public static string Write(string sourceModel, int pieces, int sourcePieces, string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "sentencepiece.model");
        using var output = File.Create(path);
        output.Write(File.ReadAllBytes(sourceModel));
        for (int i = sourcePieces; i < pieces; i++)
        {
            var text = System.Text.Encoding.UTF8.GetBytes($"\u2581\u2063pad{i}\u2063");
            using var piece = new MemoryStream();
            piece.WriteByte(0x0A); // field 1 (piece): length-delimited
            WriteVarint(piece, (ulong)text.Length);
            piece.Write(text);
            piece.WriteByte(0x15); // field 2 (score): fixed32 float
            piece.Write(BitConverter.GetBytes(-1e6f));
            piece.WriteByte(0x18); // field 3 (type): varint, 1 = NORMAL
            piece.WriteByte(1);
            output.WriteByte(0x0A); // ModelProto field 1 (pieces): length-delimited
            WriteVarint(output, (ulong)piece.Length);
            piece.Position = 0;
            piece.CopyTo(output);
        }
        return path;
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
