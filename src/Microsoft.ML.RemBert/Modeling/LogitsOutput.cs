using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Output of a head whose result is one logits tensor (masked LM, causal LM, classification, multiple choice).</summary>
public abstract class LogitsOutput(Tensor logits, Tensor? loss) : RemBertModelOutput(loss)
{
    /// <summary>The head's logits.</summary>
    public Tensor Logits { get; } = logits;

    /// <inheritdoc/>
    protected override IEnumerable<(string Name, Tensor? Value)> Fields() => [("logits", Logits)];
}
