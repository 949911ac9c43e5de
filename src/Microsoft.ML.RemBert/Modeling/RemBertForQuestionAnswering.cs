using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// RemBERT for extractive question answering: <c>qa_outputs</c> (hidden → 2) scores every token as span start and
/// span end. No pooler, as in transformers' RemBertForQuestionAnswering.
/// </summary>
public sealed class RemBertForQuestionAnswering : RemBertTaskModel
{
    /// <summary>One start score and one end score per token.</summary>
    private const int SpanEndpoints = 2;

#pragma warning disable IDE1006 // field names are the state-dict names
    private readonly Linear qa_outputs;
#pragma warning restore IDE1006

    /// <summary>Builds and initialises the model.</summary>
    public RemBertForQuestionAnswering(RemBertConfig config) : this(config, initializeWeights: true) { }

    /// <summary>Builds the model, initialised unless <paramref name="initializeWeights"/> is false (a checkpoint load initialises only what the file lacks).</summary>
    internal RemBertForQuestionAnswering(RemBertConfig config, bool initializeWeights)
        : base(nameof(RemBertForQuestionAnswering), config, addPoolingLayer: false)
    {
        // transformers sizes qa_outputs by num_labels and then splits it into exactly two columns, so only 2 works there.
        qa_outputs = nn.Linear(config.HiddenSize, SpanEndpoints, dtype: config.ParameterType);
        CompleteConstruction(initializeWeights);
    }

    /// <summary>
    /// Start and end logits [batch, seq]; with both <paramref name="start_positions"/> and <paramref name="end_positions"/>
    /// [batch], the mean of the two cross entropies, positions outside the sequence being ignored.
    /// </summary>
    public QuestionAnsweringModelOutput forward(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null,
        Tensor? start_positions = null, Tensor? end_positions = null)
    {
        using var scope = NewDisposeScope();
        var logits = PrecisionOps.Float32Scores(PrecisionOps.Linear(qa_outputs, BaseModel.forward(input_ids, attention_mask, token_type_ids).LastHiddenState));
        var startLogits = logits.select(-1, 0).contiguous();
        var endLogits = logits.select(-1, 1).contiguous();
        var loss = start_positions is null || end_positions is null
            ? null
            : RemBertLosses.SpanExtraction(startLogits, endLogits, start_positions, end_positions);
        return new QuestionAnsweringModelOutput(startLogits, endLogits, loss).MoveToOuterDisposeScope<QuestionAnsweringModelOutput>();
    }

    /// <inheritdoc/>
    public override RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null) =>
        forward(input_ids, attention_mask, token_type_ids);
}
