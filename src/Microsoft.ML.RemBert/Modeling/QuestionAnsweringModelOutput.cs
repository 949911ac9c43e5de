using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

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
