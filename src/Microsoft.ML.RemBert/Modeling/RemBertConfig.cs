namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The hyper-parameters of a RemBERT model: every field of transformers' <c>RemBertConfig</c> (and the
/// <c>PretrainedConfig</c> fields RemBERT uses), with transformers' defaults, which are google/rembert's values.
/// Read and written as Hugging Face <c>config.json</c> by <see cref="Load"/> and <see cref="Save"/>; each property's
/// documentation names its JSON key. Immutable: derive variants with <c>with</c> expressions.
/// </summary>
public sealed partial record RemBertConfig
{
    /// <summary>The only <c>model_type</c> this configuration describes.</summary>
    public const string RemBertModelType = "rembert";

    /// <summary>transformers' <c>num_labels</c> when config.json names neither it nor <c>id2label</c>.</summary>
    public const int DefaultNumLabels = 2;

    /// <summary><c>vocab_size</c>: rows of the input and output embedding matrices.</summary>
    public int VocabSize { get; init; } = 250300;

    /// <summary><c>hidden_size</c>: width of the encoder layers and the pooler.</summary>
    public int HiddenSize { get; init; } = 1152;

    /// <summary><c>num_hidden_layers</c>: number of encoder layers.</summary>
    public int NumHiddenLayers { get; init; } = 32;

    /// <summary><c>num_attention_heads</c>: attention heads per layer; must divide <see cref="HiddenSize"/>.</summary>
    public int NumAttentionHeads { get; init; } = 18;

    /// <summary><c>input_embedding_size</c>: width of the (factorised) input embeddings.</summary>
    public int InputEmbeddingSize { get; init; } = 256;

    /// <summary><c>output_embedding_size</c>: width of the decoupled output embedding in the LM head.</summary>
    public int OutputEmbeddingSize { get; init; } = 1664;

    /// <summary><c>intermediate_size</c>: width of the feed-forward layer.</summary>
    public int IntermediateSize { get; init; } = 4608;

    /// <summary><c>hidden_act</c>: one of <see cref="RemBertActivation.SupportedNames"/>.</summary>
    public string HiddenAct { get; init; } = RemBertActivation.Gelu;

    /// <summary><c>hidden_dropout_prob</c>: dropout after embeddings and each dense sub-layer.</summary>
    public double HiddenDropoutProb { get; init; }

    /// <summary><c>attention_probs_dropout_prob</c>: dropout on attention probabilities.</summary>
    public double AttentionProbsDropoutProb { get; init; }

    /// <summary><c>classifier_dropout_prob</c>: dropout before the classification heads.</summary>
    public double ClassifierDropoutProb { get; init; } = 0.1;

    /// <summary><c>max_position_embeddings</c>: the longest sequence the model accepts.</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary><c>type_vocab_size</c>: number of token types (segments).</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary><c>initializer_range</c>: standard deviation of the normal weight initialisation.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary><c>layer_norm_eps</c>: epsilon of every LayerNorm.</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary><c>use_cache</c>: kept for round trips; this implementation computes full sequences (no key/value cache).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary><c>pad_token_id</c>: the word-embedding row that is zero-initialised (padding_idx); null for none.</summary>
    public int? PadTokenId { get; init; } = 0;

    /// <summary><c>bos_token_id</c> ([CLS] in RemBERT's vocabulary).</summary>
    public int? BosTokenId { get; init; } = 312;

    /// <summary><c>eos_token_id</c> ([SEP] in RemBERT's vocabulary).</summary>
    public int? EosTokenId { get; init; } = 313;

    /// <summary><c>is_decoder</c>: when true, self-attention is causal (each position sees only itself and earlier ones).</summary>
    public bool IsDecoder { get; init; }

    /// <summary>
    /// <c>tie_word_embeddings</c>: always false for RemBERT, whose output embedding is decoupled from the input one;
    /// transformers' RemBertConfig overwrites any stored value with false, and so does <see cref="Load"/>.
    /// </summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary><c>num_labels</c>: outputs of the classification heads (derived from <c>id2label</c> when present).</summary>
    public int NumLabels { get; init; } = DefaultNumLabels;

    /// <summary><c>id2label</c>: label names by class index; null means transformers' default names LABEL_0, LABEL_1, ….</summary>
    public IReadOnlyDictionary<int, string>? Id2Label { get; init; }

    /// <summary><c>label2id</c>: class index by label name, the inverse of <see cref="Id2Label"/>; null means derived from it.</summary>
    public IReadOnlyDictionary<string, int>? Label2Id { get; init; }

    /// <summary><c>problem_type</c>: one of <see cref="RemBertProblemType.All"/>, or null to infer it as transformers does.</summary>
    public string? ProblemType { get; init; }

    /// <summary><c>architectures</c>: transformers class names; the first chooses the head built by <see cref="RemBertModelFactory"/>.</summary>
    public IReadOnlyList<string>? Architectures { get; init; }

    /// <summary><c>torch_dtype</c>: the dtype the weights were saved in (e.g. "float32"), informational.</summary>
    public string? TorchDtype { get; init; }

    /// <summary><c>model_type</c>: always "rembert".</summary>
    public string ModelType { get; init; } = RemBertModelType;

    /// <summary>
    /// config.json fields this type does not model (e.g. <c>transformers_version</c>), as raw JSON text by key, so that
    /// <see cref="Save"/> writes them back unchanged.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExtraFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Which attention kernel the modules use; a runtime choice, not part of config.json.</summary>
    public RemBertAttentionImplementation AttentionImplementation { get; init; } = RemBertAttentionImplementation.ScaledDotProduct;

    /// <summary>
    /// The precision the modules' parameters are created in; a runtime choice, not part of config.json (whose
    /// <c>torch_dtype</c> only records what was saved). Building directly in bfloat16 never materialises float32 weights,
    /// so a bfloat16 load needs half the memory. <c>RemBertCheckpoint</c> sets it from <c>CheckpointLoadOptions.Precision</c>.
    /// </summary>
    public RemBertPrecision Precision { get; init; } = RemBertPrecision.Float32;

    /// <summary>The element type of <see cref="Precision"/>, for the module constructors.</summary>
    internal TorchSharp.torch.ScalarType ParameterType => Precision.ToScalarType();

    /// <summary>Width of one attention head.</summary>
    public int AttentionHeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>google/rembert's configuration (transformers' defaults) for the bare encoder <c>RemBertModel</c>.</summary>
    public static RemBertConfig GoogleRemBert() =>
        new() { Architectures = new[] { RemBertArchitectures.Model }, TorchDtype = "float32" };

    /// <summary>Label names by class index: <see cref="Id2Label"/>, or LABEL_i for each of <see cref="NumLabels"/>.</summary>
    public IReadOnlyDictionary<int, string> GetId2Label() =>
        Id2Label ?? Enumerable.Range(0, Math.Max(NumLabels, 0)).ToDictionary(i => i, i => $"LABEL_{i}");

    /// <summary>Class index by label name: <see cref="Label2Id"/>, or the inverse of <see cref="GetId2Label"/>.</summary>
    public IReadOnlyDictionary<string, int> GetLabel2Id() =>
        Label2Id ?? GetId2Label().ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>A copy with <see cref="NumLabels"/>, <see cref="Id2Label"/> and <see cref="Label2Id"/> set from label names.</summary>
    public RemBertConfig WithLabels(IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(labelNames);
        if (labelNames.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new ArgumentException($"Label '{duplicate.Key}' appears more than once; label2id needs unique names.", nameof(labelNames));
        var id2Label = labelNames.Select((name, i) => (name, i)).ToDictionary(p => p.i, p => p.name);
        return this with
        {
            NumLabels = labelNames.Count,
            Id2Label = id2Label,
            Label2Id = id2Label.ToDictionary(kv => kv.Value, kv => kv.Key),
        };
    }
}
