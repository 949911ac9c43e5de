using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Output of <see cref="RemBertForTokenClassification"/>: <see cref="LogitsOutput.Logits"/> are [batch, seq, num_labels].</summary>
public sealed class TokenClassifierOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);
