using System.Text.Json;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>
/// The one list of <see cref="RemBertTokenizerOptions"/> fields: each row ties a property to its
/// <c>tokenizer_config.json</c> key and its value kind, and every serializer loops over <see cref="All"/> — the
/// tokenizer_config.json reader (<see cref="TokenizerConfigReader"/>) and the ML.NET zip entry's writer and reader
/// (<c>MLNet/Tokenization/RemBertTokenizerEntry</c>). Adding an option is a property on
/// <see cref="RemBertTokenizerOptions"/> plus one row here; the zip entry needs no new version (its fields are
/// stored by key).
/// </summary>
internal static class TokenizerOptionFields
{
    /// <summary>Every option, in the order the zip entry writes them.</summary>
    public static IReadOnlyList<TokenizerOptionField> All { get; } =
    [
        new BoolField("do_lower_case", o => o.DoLowerCase, (o, v) => o with { DoLowerCase = v }),
        new BoolField("remove_space", o => o.RemoveSpace, (o, v) => o with { RemoveSpace = v }),
        new BoolField("keep_accents", o => o.KeepAccents, (o, v) => o with { KeepAccents = v }),
        new TokenField("cls_token", o => o.ClsToken, (o, v) => o with { ClsToken = v }),
        new TokenField("sep_token", o => o.SepToken, (o, v) => o with { SepToken = v }),
        new TokenField("pad_token", o => o.PadToken, (o, v) => o with { PadToken = v }),
        new TokenField("unk_token", o => o.UnkToken, (o, v) => o with { UnkToken = v }),
        new TokenField("mask_token", o => o.MaskToken, (o, v) => o with { MaskToken = v }),
        new MaxLengthField("model_max_length", o => o.ModelMaxLength, (o, v) => o with { ModelMaxLength = v }),
    ];

    /// <summary>The field stored under <paramref name="key"/>, or null.</summary>
    public static TokenizerOptionField? Find(string key) => All.FirstOrDefault(field => field.Key == key);
}

/// <summary>How a field's value is stored in binary form (the zip entry's per-field tag).</summary>
internal enum TokenizerOptionKind : byte
{
    /// <summary>BinaryWriter bool (one byte).</summary>
    Bool = 1,

    /// <summary>BinaryWriter string (length-prefixed UTF-8).</summary>
    Token = 2,

    /// <summary>int32.</summary>
    Int32 = 3,
}

/// <summary>One row of <see cref="TokenizerOptionFields.All"/>: a property, its JSON key and how its value is read and written.</summary>
internal abstract class TokenizerOptionField(string key, TokenizerOptionKind kind)
{
    /// <summary>The tokenizer_config.json key, also the field's name in the zip entry.</summary>
    public string Key { get; } = key;

    /// <summary>The binary value kind.</summary>
    public TokenizerOptionKind Kind { get; } = kind;

    /// <summary>Sets the field from the JSON value; <paramref name="path"/> names the file in errors.</summary>
    public abstract RemBertTokenizerOptions ReadJson(JsonElement value, RemBertTokenizerOptions options, string path);

    /// <summary>Writes the field's value (without key or tag).</summary>
    public abstract void WriteValue(BinaryWriter writer, RemBertTokenizerOptions options);

    /// <summary>Reads a value written by <see cref="WriteValue"/> into the options.</summary>
    public abstract RemBertTokenizerOptions ReadValue(BinaryReader reader, RemBertTokenizerOptions options);
}

/// <summary>A true/false option.</summary>
internal sealed class BoolField(string key, Func<RemBertTokenizerOptions, bool> get, Func<RemBertTokenizerOptions, bool, RemBertTokenizerOptions> set)
    : TokenizerOptionField(key, TokenizerOptionKind.Bool)
{
    public override RemBertTokenizerOptions ReadJson(JsonElement value, RemBertTokenizerOptions options, string path) => value.ValueKind switch
    {
        JsonValueKind.True => set(options, true),
        JsonValueKind.False => set(options, false),
        _ => throw new InvalidDataException($"Tokenizer config '{path}': '{Key}' must be true or false, not {value.GetRawText()}."),
    };

    public override void WriteValue(BinaryWriter writer, RemBertTokenizerOptions options) => writer.Write(get(options));

    public override RemBertTokenizerOptions ReadValue(BinaryReader reader, RemBertTokenizerOptions options) => set(options, reader.ReadBoolean());
}

/// <summary>A special token, saved by transformers either as a plain string or as an AddedToken object with a "content" field.</summary>
internal sealed class TokenField(string key, Func<RemBertTokenizerOptions, string> get, Func<RemBertTokenizerOptions, string, RemBertTokenizerOptions> set)
    : TokenizerOptionField(key, TokenizerOptionKind.Token)
{
    public override RemBertTokenizerOptions ReadJson(JsonElement value, RemBertTokenizerOptions options, string path)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content)) value = content;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
            throw new InvalidDataException($"Tokenizer config '{path}': '{Key}' must be a non-empty string or an AddedToken object with a \"content\" string, not {value.GetRawText()}.");
        return set(options, value.GetString()!);
    }

    public override void WriteValue(BinaryWriter writer, RemBertTokenizerOptions options) => writer.Write(get(options));

    public override RemBertTokenizerOptions ReadValue(BinaryReader reader, RemBertTokenizerOptions options) => set(options, reader.ReadString());
}

/// <summary>
/// <c>model_max_length</c>: a positive integer; transformers writes an effectively unlimited length as a huge number
/// (int(1e30)), which becomes <see cref="RemBertTokenizerOptions.UnlimitedModelMaxLength"/>.
/// </summary>
internal sealed class MaxLengthField(string key, Func<RemBertTokenizerOptions, int> get, Func<RemBertTokenizerOptions, int, RemBertTokenizerOptions> set)
    : TokenizerOptionField(key, TokenizerOptionKind.Int32)
{
    public override RemBertTokenizerOptions ReadJson(JsonElement value, RemBertTokenizerOptions options, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < 1 || number != Math.Floor(number))
            throw new InvalidDataException($"Tokenizer config '{path}': '{Key}' must be a positive integer, not {value.GetRawText()}.");
        return set(options, number >= RemBertTokenizerOptions.UnlimitedModelMaxLength ? RemBertTokenizerOptions.UnlimitedModelMaxLength : (int)number);
    }

    public override void WriteValue(BinaryWriter writer, RemBertTokenizerOptions options) => writer.Write(get(options));

    public override RemBertTokenizerOptions ReadValue(BinaryReader reader, RemBertTokenizerOptions options) => set(options, reader.ReadInt32());
}
