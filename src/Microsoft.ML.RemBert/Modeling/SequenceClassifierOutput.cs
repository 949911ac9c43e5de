using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Output of <see cref="RemBertForSequenceClassification"/>: <see cref="LogitsOutput.Logits"/> are [batch, num_labels].</summary>
public sealed class SequenceClassifierOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);
