using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Output of <see cref="RemBertModel"/>.</summary>
/// <param name="lastHiddenState">[batch, seq, hidden].</param>
/// <param name="poolerOutput">[batch, hidden], or null when the model has no pooler.</param>
public sealed class BaseModelOutputWithPooling(Tensor lastHiddenState, Tensor? poolerOutput) : RemBertModelOutput(null)
{
    /// <summary>The encoder's final hidden states, [batch, seq, hidden].</summary>
    public Tensor LastHiddenState { get; } = lastHiddenState;

    /// <summary>tanh(dense(first token)), [batch, hidden]; null without a pooler.</summary>
    public Tensor? PoolerOutput { get; } = poolerOutput;

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor? Value)> Fields() =>
        [("last_hidden_state", LastHiddenState), ("pooler_output", PoolerOutput)];
}
