using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// Word + token-type + absolute-position embeddings at <c>input_embedding_size</c>, then LayerNorm and dropout
/// (transformers' RemBertEmbeddings). The encoder projects the result up to <c>hidden_size</c>.
/// </summary>
public sealed class RemBertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private readonly long _vocabSize;
    private readonly long _typeVocabSize;

    /// <summary>Builds the embedding tables from a configuration.</summary>
    public RemBertEmbeddings(RemBertConfig config) : base(nameof(RemBertEmbeddings))
    {
        PaddingIndex = config.PadTokenId;
        MaxPositions = config.MaxPositionEmbeddings;
        _vocabSize = config.VocabSize;
        _typeVocabSize = config.TypeVocabSize;
        word_embeddings = nn.Embedding(config.VocabSize, config.InputEmbeddingSize, padding_idx: config.PadTokenId, dtype: config.ParameterType);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.InputEmbeddingSize, dtype: config.ParameterType);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.InputEmbeddingSize, dtype: config.ParameterType);
        LayerNorm = nn.LayerNorm(config.InputEmbeddingSize, eps: config.LayerNormEps, dtype: config.ParameterType);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>The word-embedding row that stays zero at initialisation (<c>pad_token_id</c>), or null.</summary>
    public long? PaddingIndex { get; }

    /// <summary>The longest sequence the position table covers.</summary>
    public long MaxPositions { get; }

    /// <summary>The word-embedding table, [vocab_size, input_embedding_size].</summary>
    public Embedding WordEmbeddings => word_embeddings;

    /// <summary>Embeds <paramref name="input_ids"/> [batch, seq] with their token types [batch, seq]; positions are 0..seq-1.</summary>
    /// <returns>[batch, seq, input_embedding_size].</returns>
    public override Tensor forward(Tensor input_ids, Tensor token_type_ids)
    {
        var sequenceLength = input_ids.shape[^1];
        if (sequenceLength > MaxPositions)
            throw new ArgumentException(
                $"input_ids has {sequenceLength} positions but max_position_embeddings is {MaxPositions}.", nameof(input_ids));
        if (sequenceLength == 0)
            throw new ArgumentException("input_ids has no positions: every sequence needs at least one token.", nameof(input_ids));

        using var scope = NewDisposeScope();
        CheckIndexRange(input_ids, _vocabSize, RemBertConfigKeys.VocabSize, nameof(input_ids));
        CheckIndexRange(token_type_ids, _typeVocabSize, RemBertConfigKeys.TypeVocabSize, nameof(token_type_ids));
        using var end = sequenceLength.ToScalar();
        var positionIds = arange(HeldScalars.Zero, end, HeldScalars.One, dtype: ScalarType.Int64, device: input_ids.device).unsqueeze(0);
        var embeddings = word_embeddings.forward(input_ids).add(token_type_embeddings.forward(token_type_ids), HeldScalars.One);
        embeddings = embeddings.add(position_embeddings.forward(positionIds), HeldScalars.One);
        return dropout.forward(PrecisionOps.LayerNorm(LayerNorm, embeddings)).MoveToOuterDisposeScope();
    }

    /// <summary>An id outside its embedding table would fail inside libtorch as "index out of range in self", naming
    /// neither the input nor the limit (typically: a tokenizer of another vocabulary, or a third token type).</summary>
    private static void CheckIndexRange(Tensor ids, long tableSize, string configKey, string parameterName)
    {
        using var min = ids.min().ToScalar();
        using var max = ids.max().ToScalar();
        var smallest = min.ToInt64();
        var largest = max.ToInt64();
        if (smallest < 0 || largest >= tableSize)
            throw new ArgumentException(
                $"{parameterName} holds {(smallest < 0 ? smallest : largest)}, outside [0, {tableSize}) ({configKey} = {tableSize}).", parameterName);
    }
}
