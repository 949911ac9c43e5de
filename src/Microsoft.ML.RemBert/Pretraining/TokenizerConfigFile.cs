using System.Text.Json;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>Writes <c>tokenizer_config.json</c> as transformers' <c>RemBertTokenizer.save_pretrained</c> does, for the options the tokenizer has.</summary>
internal static class TokenizerConfigFile
{
    /// <summary>Writes <paramref name="options"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, RemBertTokenizerOptions options) =>
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteBoolean("do_lower_case", options.DoLowerCase);
            json.WriteBoolean("remove_space", options.RemoveSpace);
            json.WriteBoolean("keep_accents", options.KeepAccents);
            json.WriteString("bos_token", options.ClsToken);
            json.WriteString("eos_token", options.SepToken);
            json.WriteString("unk_token", options.UnkToken);
            json.WriteString("sep_token", options.SepToken);
            json.WriteString("pad_token", options.PadToken);
            json.WriteString("cls_token", options.ClsToken);
            json.WriteString("mask_token", options.MaskToken);
            if (options.ModelMaxLength != RemBertTokenizerOptions.UnlimitedModelMaxLength)
                json.WriteNumber("model_max_length", options.ModelMaxLength);
            json.WriteString("tokenizer_class", "RemBertTokenizer");
            json.WriteEndObject();
        });
}
