using Microsoft.ML.RemBert.IO;
using System.Text.Json;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Reads the <see cref="RemBertTokenizerOptions"/> fields (<see cref="TokenizerOptionFields"/>) out of a transformers <c>tokenizer_config.json</c>.</summary>
internal static class TokenizerConfigReader
{
    /// <summary>The file name transformers gives the tokenizer's settings.</summary>
    public const string FileName = "tokenizer_config.json";

    /// <summary>
    /// Loads <paramref name="path"/>; absent or null keys keep their defaults, and unknown keys (tokenizer_class,
    /// bos_token, ...) are ignored as transformers' RemBertTokenizer ignores them.
    /// </summary>
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

            var options = new RemBertTokenizerOptions();
            foreach (var field in TokenizerOptionFields.All)
            {
                if (root.TryGetProperty(field.Key, out var value) && value.ValueKind != JsonValueKind.Null)
                    options = field.ReadJson(value, options, path);
            }
            return options;
        }
    }
}
