using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The bare RemBERT encoder (transformers' RemBertModel): <c>embeddings</c>, <c>encoder</c> and an optional
/// <c>pooler</c>. Its state-dict keys are those of google/rembert's checkpoint (without the <c>rembert.</c> prefix the
/// task heads add).
/// </summary>
public sealed class RemBertModel : RemBertPreTrainedModel
{
#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly RemBertEmbeddings embeddings;
    private readonly RemBertEncoder encoder;
    private readonly RemBertPooler? pooler;
#pragma warning restore IDE1006

    /// <summary>Builds an initialised encoder, with a pooler unless <paramref name="addPoolingLayer"/> is false.</summary>
    public RemBertModel(RemBertConfig config, bool addPoolingLayer = true) : this(config, addPoolingLayer, initializeWeights: true) { }

    /// <summary>
    /// Heads build their encoder uninitialised and initialise the whole tree once, as transformers' post_init does;
    /// a checkpoint load builds it uninitialised and initialises only the weights the file lacks.
    /// </summary>
    internal RemBertModel(RemBertConfig config, bool addPoolingLayer, bool initializeWeights) : base(nameof(RemBertModel), config)
    {
        embeddings = new RemBertEmbeddings(config);
        encoder = new RemBertEncoder(config);
        pooler = addPoolingLayer ? new RemBertPooler(config) : null;
        RegisterComponents();
        if (initializeWeights) InitializeWeights();
    }

    /// <summary>True when the model has a pooler (and returns <see cref="BaseModelOutputWithPooling.PoolerOutput"/>).</summary>
    public bool HasPooler => pooler is not null;

    /// <inheritdoc/>
    public override RemBertModel BaseModel => this;

    /// <summary>The embedding tables, for an ELECTRA generator that shares them (<c>Pretraining/ElectraPretrainingModel</c>).</summary>
    internal RemBertEmbeddings Embeddings => embeddings;

    /// <summary>Encodes a batch of token ids.</summary>
    /// <param name="input_ids">[batch, seq] int64 token ids.</param>
    /// <param name="attention_mask">[batch, seq] 1 = token, 0 = padding (or [batch, seq, seq]); all ones when null.</param>
    /// <param name="token_type_ids">[batch, seq] segment ids; all zeros when null.</param>
    public BaseModelOutputWithPooling forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null)
    {
        RemBertInputs.Check(input_ids, attention_mask, token_type_ids, RemBertInputs.SequenceRank);
        using var scope = NewDisposeScope();
        var types = token_type_ids ?? zeros_like(input_ids, dtype: ScalarType.Int64);
        var embedded = embeddings.forward(input_ids, types);
        var mask = attention_mask ?? ones_like(input_ids, dtype: embedded.dtype);
        // In the activations' type (bfloat16 under autocast too), so scores + mask keep it and the fused kernel accepts it.
        var extendedMask = RemBertAttentionMask.Extend(mask, Config.IsDecoder, PrecisionOps.ActivationType(embedded.dtype));
        var sequenceOutput = encoder.forward(embedded, extendedMask);
        var pooledOutput = pooler?.forward(sequenceOutput);
        return new BaseModelOutputWithPooling(sequenceOutput, pooledOutput).MoveToOuterDisposeScope<BaseModelOutputWithPooling>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
