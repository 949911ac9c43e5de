using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// What a RemBERT model returns: a few tensors, by transformers' output names, plus the loss when labels were given.
/// The caller owns the tensors; dispose the output (or move its tensors) when done.
/// </summary>
public abstract class RemBertModelOutput : IDisposable
{
    /// <summary>Creates an output holding <paramref name="loss"/> (null without labels).</summary>
    protected RemBertModelOutput(Tensor? loss) => Loss = loss;

    /// <summary>The scalar training loss, when labels were passed; otherwise null.</summary>
    public Tensor? Loss { get; }

    /// <summary>The tensors of this output by transformers' names (loss first when present), nulls left out.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> NamedTensors() =>
        Fields().Prepend<(string Name, Tensor? Value)>(("loss", Loss)).Where(f => f.Value is not null).Select(f => (f.Name, f.Value!)).ToList();

    /// <summary>The output's own tensors, by transformers' names.</summary>
    protected abstract IEnumerable<(string Name, Tensor? Value)> Fields();

    /// <summary>Moves every tensor of this output out of the current dispose scope, so that it outlives the forward pass.</summary>
    internal T MoveToOuterDisposeScope<T>() where T : RemBertModelOutput
    {
        foreach (var (_, tensor) in NamedTensors()) tensor.MoveToOuterDisposeScope();
        return (T)this;
    }

    /// <summary>Disposes every tensor of this output.</summary>
    public void Dispose()
    {
        foreach (var (_, tensor) in NamedTensors()) tensor.Dispose();
        GC.SuppressFinalize(this);
    }
}

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

/// <summary>Output of a head whose result is one logits tensor (masked LM, causal LM, classification, multiple choice).</summary>
public abstract class LogitsOutput(Tensor logits, Tensor? loss) : RemBertModelOutput(loss)
{
    /// <summary>The head's logits.</summary>
    public Tensor Logits { get; } = logits;

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor? Value)> Fields() => [("logits", Logits)];
}

/// <summary>Output of <see cref="RemBertForMaskedLM"/>: <see cref="LogitsOutput.Logits"/> are [batch, seq, vocab_size].</summary>
public sealed class MaskedLMOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);

/// <summary>Output of <see cref="RemBertForCausalLM"/>: <see cref="LogitsOutput.Logits"/> are [batch, seq, vocab_size].</summary>
public sealed class CausalLMOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);

/// <summary>Output of <see cref="RemBertForSequenceClassification"/>: <see cref="LogitsOutput.Logits"/> are [batch, num_labels].</summary>
public sealed class SequenceClassifierOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);

/// <summary>Output of <see cref="RemBertForMultipleChoice"/>: <see cref="LogitsOutput.Logits"/> are [batch, num_choices].</summary>
public sealed class MultipleChoiceModelOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);

/// <summary>Output of <see cref="RemBertForTokenClassification"/>: <see cref="LogitsOutput.Logits"/> are [batch, seq, num_labels].</summary>
public sealed class TokenClassifierOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);

/// <summary>Output of <see cref="RemBertForQuestionAnswering"/>.</summary>
public sealed class QuestionAnsweringModelOutput(Tensor startLogits, Tensor endLogits, Tensor? loss) : RemBertModelOutput(loss)
{
    /// <summary>Span-start scores, [batch, seq].</summary>
    public Tensor StartLogits { get; } = startLogits;

    /// <summary>Span-end scores, [batch, seq].</summary>
    public Tensor EndLogits { get; } = endLogits;

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor? Value)> Fields() =>
        [("start_logits", StartLogits), ("end_logits", EndLogits)];
}
