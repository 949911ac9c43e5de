using Microsoft.ML.RemBert.IO;
using System.Text.Json;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Reads the <see cref="RemBertTokenizerOptions"/> fields out of a transformers <c>tokenizer_config.json</c>.</summary>
internal static class TokenizerConfigReader
{
    /// <summary>The file name transformers gives the tokenizer's settings.</summary>
    public const string FileName = "tokenizer_config.json";

    /// <summary>Loads <paramref name="path"/>; unknown keys (tokenizer_class, bos_token, ...) are ignored as transformers' RemBertTokenizer ignores them.</summary>
    public static RemBertTokenizerOptions Read(string path)
    {
        var json = JsonFiles.ReadUtf8(path);
        if (JsonFiles.InvalidUtf8Offset(json.Span) is var bad and >= 0)
            throw new InvalidDataException($"Tokenizer config '{path}' is not valid UTF-8 (byte {bad}).");
        JsonDocument document;
        try
        {
            // A byte-order mark is accepted and a repeated key refused, as in every JSON file this library reads.
            document = JsonDocument.Parse(json, JsonFiles.StrictOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Tokenizer config '{path}' is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Tokenizer config '{path}' must hold a JSON object, not {root.ValueKind}.");

            var defaults = new RemBertTokenizerOptions();
            return new RemBertTokenizerOptions
            {
                DoLowerCase = ReadBool(root, "do_lower_case", defaults.DoLowerCase, path),
                RemoveSpace = ReadBool(root, "remove_space", defaults.RemoveSpace, path),
                KeepAccents = ReadBool(root, "keep_accents", defaults.KeepAccents, path),
                ClsToken = ReadToken(root, "cls_token", defaults.ClsToken, path),
                SepToken = ReadToken(root, "sep_token", defaults.SepToken, path),
                PadToken = ReadToken(root, "pad_token", defaults.PadToken, path),
                UnkToken = ReadToken(root, "unk_token", defaults.UnkToken, path),
                MaskToken = ReadToken(root, "mask_token", defaults.MaskToken, path),
                ModelMaxLength = ReadMaxLength(root, "model_max_length", defaults.ModelMaxLength, path),
            };
        }
    }

    private static bool ReadBool(JsonElement root, string key, bool fallback, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidDataException($"Tokenizer config '{path}': '{key}' must be true or false, not {value.GetRawText()}."),
        };
    }

    /// <summary>A special token is saved either as a plain string or as a serialized AddedToken object with a "content" field.</summary>
    private static string ReadToken(JsonElement root, string key, string fallback, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content)) value = content;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
            throw new InvalidDataException($"Tokenizer config '{path}': '{key}' must be a non-empty string or an AddedToken object with a \"content\" string, not {value.GetRawText()}.");
        return value.GetString()!;
    }

    /// <summary>transformers writes an effectively unlimited length as a huge number (int(1e30)); that becomes <see cref="RemBertTokenizerOptions.UnlimitedModelMaxLength"/>.</summary>
    private static int ReadMaxLength(JsonElement root, string key, int fallback, string path)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < 1 || number != Math.Floor(number))
            throw new InvalidDataException($"Tokenizer config '{path}': '{key}' must be a positive integer, not {value.GetRawText()}.");
        return number >= RemBertTokenizerOptions.UnlimitedModelMaxLength ? RemBertTokenizerOptions.UnlimitedModelMaxLength : (int)number;
    }
}
