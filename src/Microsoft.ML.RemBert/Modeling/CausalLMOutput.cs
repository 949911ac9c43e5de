using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Output of <see cref="RemBertForCausalLM"/>: <see cref="LogitsOutput.Logits"/> are [batch, seq, vocab_size].</summary>
public sealed class CausalLMOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);
