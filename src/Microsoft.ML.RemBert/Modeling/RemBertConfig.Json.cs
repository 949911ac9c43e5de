using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Modeling;

public sealed partial record RemBertConfig
{
    /// <summary>The file name of a Hugging Face configuration inside a checkpoint directory.</summary>
    public const string ConfigFileName = "config.json";

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    /// <summary>Token ids whose default is not null: a null must be written, or reading the file back would restore the default.</summary>
    private static readonly string[] NullableTokenIdKeys =
        { RemBertConfigKeys.PadTokenId, RemBertConfigKeys.BosTokenId, RemBertConfigKeys.EosTokenId };

    /// <summary>
    /// Reads a Hugging Face config.json (a file, or a checkpoint directory holding one) and validates it.
    /// Fields this type does not model are kept in <see cref="ExtraFields"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No config.json at <paramref name="path"/>.</exception>
    /// <exception cref="RemBertConfigException">Malformed JSON, a field of the wrong type, or an invalid value; names the file and field.</exception>
    public static RemBertConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? Path.Combine(path, ConfigFileName) : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"No RemBERT {ConfigFileName} at '{file}'.", file);
        return FromJson(Encoding.UTF8.GetString(IO.JsonFiles.ReadUtf8(file).Span), Path.GetFullPath(file));
    }

    /// <summary>Parses and validates config.json text; <paramref name="source"/> names it in error messages.</summary>
    public static RemBertConfig FromJson(string json, string source = ConfigFileName)
    {
        JsonNode? root;
        // A byte-order mark is accepted and a repeated key refused, as in every JSON file this library reads.
        try { root = JsonNode.Parse(JsonFiles.WithoutByteOrderMark(json), documentOptions: JsonFiles.StrictOptions); }
        catch (JsonException ex)
        {
            throw new RemBertConfigException(source, "(document)", null, $"not valid JSON: {ex.Message}", ex);
        }
        if (root is not JsonObject obj)
            throw new RemBertConfigException(source, "(document)", root?.ToJsonString(), "a config.json must be a JSON object");

        var config = Read(new ConfigJsonReader(obj, source));
        config.Validate(source);
        return config;
    }

    private static RemBertConfig Read(ConfigJsonReader r)
    {
        var defaults = new RemBertConfig();
        var id2Label = r.IntKeyedStrings(RemBertConfigKeys.Id2Label);
        // As in transformers, id2label decides the label count; an explicit num_labels must agree (checked by Validate).
        var numLabels = r.Int(RemBertConfigKeys.NumLabels, id2Label?.Count ?? DefaultNumLabels);
        // transformers' RemBertConfig sets tie_word_embeddings = False whatever the file says; read it so it is
        // not kept as an unknown field, and normalise it the same way.
        _ = r.Bool(RemBertConfigKeys.TieWordEmbeddings, false);
        return new RemBertConfig
        {
            VocabSize = r.Int(RemBertConfigKeys.VocabSize, defaults.VocabSize),
            HiddenSize = r.Int(RemBertConfigKeys.HiddenSize, defaults.HiddenSize),
            NumHiddenLayers = r.Int(RemBertConfigKeys.NumHiddenLayers, defaults.NumHiddenLayers),
            NumAttentionHeads = r.Int(RemBertConfigKeys.NumAttentionHeads, defaults.NumAttentionHeads),
            InputEmbeddingSize = r.Int(RemBertConfigKeys.InputEmbeddingSize, defaults.InputEmbeddingSize),
            OutputEmbeddingSize = r.Int(RemBertConfigKeys.OutputEmbeddingSize, defaults.OutputEmbeddingSize),
            IntermediateSize = r.Int(RemBertConfigKeys.IntermediateSize, defaults.IntermediateSize),
            HiddenAct = r.String(RemBertConfigKeys.HiddenAct, defaults.HiddenAct),
            HiddenDropoutProb = r.Double(RemBertConfigKeys.HiddenDropoutProb, defaults.HiddenDropoutProb),
            AttentionProbsDropoutProb = r.Double(RemBertConfigKeys.AttentionProbsDropoutProb, defaults.AttentionProbsDropoutProb),
            ClassifierDropoutProb = r.Double(RemBertConfigKeys.ClassifierDropoutProb, defaults.ClassifierDropoutProb),
            MaxPositionEmbeddings = r.Int(RemBertConfigKeys.MaxPositionEmbeddings, defaults.MaxPositionEmbeddings),
            TypeVocabSize = r.Int(RemBertConfigKeys.TypeVocabSize, defaults.TypeVocabSize),
            InitializerRange = r.Double(RemBertConfigKeys.InitializerRange, defaults.InitializerRange),
            LayerNormEps = r.Double(RemBertConfigKeys.LayerNormEps, defaults.LayerNormEps),
            UseCache = r.Bool(RemBertConfigKeys.UseCache, defaults.UseCache),
            PadTokenId = r.NullableInt(RemBertConfigKeys.PadTokenId, defaults.PadTokenId),
            BosTokenId = r.NullableInt(RemBertConfigKeys.BosTokenId, defaults.BosTokenId),
            EosTokenId = r.NullableInt(RemBertConfigKeys.EosTokenId, defaults.EosTokenId),
            IsDecoder = r.Bool(RemBertConfigKeys.IsDecoder, defaults.IsDecoder),
            TieWordEmbeddings = false,
            NumLabels = numLabels,
            Id2Label = id2Label,
            Label2Id = r.StringKeyedInts(RemBertConfigKeys.Label2Id),
            ProblemType = r.NullableString(RemBertConfigKeys.ProblemType, null),
            Architectures = r.StringList(RemBertConfigKeys.Architectures),
            TorchDtype = r.NullableString(RemBertConfigKeys.TorchDtype, null),
            ModelType = r.String(RemBertConfigKeys.ModelType, RemBertModelType),
            ExtraFields = r.Unread(),
        };
    }

    /// <summary>
    /// The config.json text: every modelled field (nulls left out, except token ids), then <see cref="ExtraFields"/>, keys sorted as
    /// transformers sorts them. Label maps are written when they differ from the default two LABEL_i names.
    /// </summary>
    public string ToJson()
    {
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, raw) in ExtraFields) fields[key] = JsonNode.Parse(raw);
        foreach (var (key, value) in KnownFields())
            if (value is not null || NullableTokenIdKeys.Contains(key)) fields[key] = value;
            else fields.Remove(key);

        var obj = new JsonObject();
        foreach (var (key, value) in fields) obj[key] = value;
        return obj.ToJsonString(WriteOptions);
    }

    private IEnumerable<(string Key, JsonNode? Value)> KnownFields()
    {
        yield return (RemBertConfigKeys.VocabSize, VocabSize);
        yield return (RemBertConfigKeys.HiddenSize, HiddenSize);
        yield return (RemBertConfigKeys.NumHiddenLayers, NumHiddenLayers);
        yield return (RemBertConfigKeys.NumAttentionHeads, NumAttentionHeads);
        yield return (RemBertConfigKeys.InputEmbeddingSize, InputEmbeddingSize);
        yield return (RemBertConfigKeys.OutputEmbeddingSize, OutputEmbeddingSize);
        yield return (RemBertConfigKeys.IntermediateSize, IntermediateSize);
        yield return (RemBertConfigKeys.HiddenAct, HiddenAct);
        yield return (RemBertConfigKeys.HiddenDropoutProb, HiddenDropoutProb);
        yield return (RemBertConfigKeys.AttentionProbsDropoutProb, AttentionProbsDropoutProb);
        yield return (RemBertConfigKeys.ClassifierDropoutProb, ClassifierDropoutProb);
        yield return (RemBertConfigKeys.MaxPositionEmbeddings, MaxPositionEmbeddings);
        yield return (RemBertConfigKeys.TypeVocabSize, TypeVocabSize);
        yield return (RemBertConfigKeys.InitializerRange, InitializerRange);
        yield return (RemBertConfigKeys.LayerNormEps, LayerNormEps);
        yield return (RemBertConfigKeys.UseCache, UseCache);
        yield return (RemBertConfigKeys.PadTokenId, PadTokenId);
        yield return (RemBertConfigKeys.BosTokenId, BosTokenId);
        yield return (RemBertConfigKeys.EosTokenId, EosTokenId);
        yield return (RemBertConfigKeys.IsDecoder, IsDecoder);
        yield return (RemBertConfigKeys.TieWordEmbeddings, TieWordEmbeddings);
        // num_labels is implied by id2label, as in transformers' files; written only when there is no label map.
        var writeLabels = Id2Label is not null || NumLabels != DefaultNumLabels;
        yield return (RemBertConfigKeys.Id2Label, writeLabels ? LabelMapJson(GetId2Label()) : null);
        yield return (RemBertConfigKeys.Label2Id, writeLabels ? new JsonObject(GetLabel2Id().OrderBy(kv => kv.Value)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) : null);
        yield return (RemBertConfigKeys.ProblemType, ProblemType);
        yield return (RemBertConfigKeys.Architectures, Architectures is null ? null
            : new JsonArray(Architectures.Select(a => (JsonNode?)a).ToArray()));
        yield return (RemBertConfigKeys.TorchDtype, TorchDtype);
        yield return (RemBertConfigKeys.ModelType, ModelType);
    }

    private static JsonObject LabelMapJson(IReadOnlyDictionary<int, string> id2Label) =>
        new(id2Label.OrderBy(kv => kv.Key).Select(kv =>
            KeyValuePair.Create(kv.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)kv.Value)));

    /// <summary>
    /// Validates and writes <c>config.json</c> into <paramref name="directory"/> (created if needed), atomically: the
    /// text goes to a temporary file in the same directory, which then replaces any existing config.json.
    /// </summary>
    /// <returns>The path of the written file.</returns>
    public string Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Validate();
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, ConfigFileName);
        var json = ToJson();
        AtomicFile.Write(target, stream => WriteConfigFile(stream, json));
        return target;
    }

    /// <summary>
    /// The one writer of config.json bytes (UTF-8 without a byte-order mark, as transformers writes it), used by
    /// <see cref="Save"/> and by the checkpoint writer beside the weights.
    /// </summary>
    internal static void WriteConfigFile(Stream stream, string json)
        => stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(json));
}
