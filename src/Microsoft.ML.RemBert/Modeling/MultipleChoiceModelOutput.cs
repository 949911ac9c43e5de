using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Output of <see cref="RemBertForMultipleChoice"/>: <see cref="LogitsOutput.Logits"/> are [batch, num_choices].</summary>
public sealed class MultipleChoiceModelOutput(Tensor logits, Tensor? loss) : LogitsOutput(logits, loss);
