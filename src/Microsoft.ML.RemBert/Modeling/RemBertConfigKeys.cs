namespace Microsoft.ML.RemBert.Modeling;

/// <summary>The config.json keys of <see cref="RemBertConfig"/>'s fields, spelled as transformers spells them.</summary>
public static class RemBertConfigKeys
{
#pragma warning disable CS1591 // each constant is the JSON key it names
    public const string VocabSize = "vocab_size";
    public const string HiddenSize = "hidden_size";
    public const string NumHiddenLayers = "num_hidden_layers";
    public const string NumAttentionHeads = "num_attention_heads";
    public const string InputEmbeddingSize = "input_embedding_size";
    public const string OutputEmbeddingSize = "output_embedding_size";
    public const string IntermediateSize = "intermediate_size";
    public const string HiddenAct = "hidden_act";
    public const string HiddenDropoutProb = "hidden_dropout_prob";
    public const string AttentionProbsDropoutProb = "attention_probs_dropout_prob";
    public const string ClassifierDropoutProb = "classifier_dropout_prob";
    public const string MaxPositionEmbeddings = "max_position_embeddings";
    public const string TypeVocabSize = "type_vocab_size";
    public const string InitializerRange = "initializer_range";
    public const string LayerNormEps = "layer_norm_eps";
    public const string UseCache = "use_cache";
    public const string PadTokenId = "pad_token_id";
    public const string BosTokenId = "bos_token_id";
    public const string EosTokenId = "eos_token_id";
    public const string IsDecoder = "is_decoder";
    public const string TieWordEmbeddings = "tie_word_embeddings";
    public const string NumLabels = "num_labels";
    public const string Id2Label = "id2label";
    public const string Label2Id = "label2id";
    public const string ProblemType = "problem_type";
    public const string Architectures = "architectures";
    public const string TorchDtype = "torch_dtype";
    public const string ModelType = "model_type";
#pragma warning restore CS1591
}
