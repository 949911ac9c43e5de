namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Builds any RemBERT architecture from a configuration, as transformers' Auto classes do from config.json.</summary>
public static class RemBertModelFactory
{
    /// <summary>Builds the architecture named first in <c>architectures</c> (the bare <see cref="RemBertModel"/> when none is named).</summary>
    /// <exception cref="ArgumentException">The architecture is not a RemBERT one.</exception>
    public static RemBertPreTrainedModel Create(RemBertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Create(config, config.Architectures?.FirstOrDefault() ?? RemBertArchitectures.Model);
    }

    /// <summary>Builds the named architecture (a transformers class name, see <see cref="RemBertArchitectures"/>).</summary>
    /// <exception cref="ArgumentException">The architecture is not a RemBERT one.</exception>
    public static RemBertPreTrainedModel Create(RemBertConfig config, string architecture) => architecture switch
    {
        RemBertArchitectures.Model => new RemBertModel(config),
        RemBertArchitectures.ForMaskedLM => new RemBertForMaskedLM(config),
        RemBertArchitectures.ForCausalLM => new RemBertForCausalLM(config),
        RemBertArchitectures.ForSequenceClassification => new RemBertForSequenceClassification(config),
        RemBertArchitectures.ForMultipleChoice => new RemBertForMultipleChoice(config),
        RemBertArchitectures.ForTokenClassification => new RemBertForTokenClassification(config),
        RemBertArchitectures.ForQuestionAnswering => new RemBertForQuestionAnswering(config),
        _ => throw new ArgumentException(
            $"architectures[0] = '{architecture}' is not a RemBERT architecture; supported: {string.Join(", ", RemBertArchitectures.All)}.",
            nameof(architecture)),
    };
}
