namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Builds any RemBERT architecture from a configuration, as transformers' Auto classes do from config.json.</summary>
public static class RemBertModelFactory
{
    /// <summary>Builds the architecture named first in <c>architectures</c> (the bare <see cref="RemBertModel"/> when none is named).</summary>
    /// <exception cref="ArgumentException">The architecture is not a RemBERT one.</exception>
    public static RemBertPreTrainedModel Create(RemBertConfig config) => Create(config, ConfiguredArchitecture(config));

    /// <summary>Builds the named architecture (a transformers class name, see <see cref="RemBertArchitectures"/>).</summary>
    /// <exception cref="ArgumentException">The architecture is not a RemBERT one.</exception>
    public static RemBertPreTrainedModel Create(RemBertConfig config, string architecture) => Create(config, architecture, initializeWeights: true);

    /// <summary>The architecture named first in <c>architectures</c>, or the bare <see cref="RemBertModel"/> when none is named.</summary>
    internal static string ConfiguredArchitecture(RemBertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Architectures?.FirstOrDefault() ?? RemBertArchitectures.Model;
    }

    /// <summary>
    /// Builds the named architecture; with <paramref name="initializeWeights"/> false the RemBERT initialisation is
    /// skipped, for a checkpoint load that initialises only the weights the file lacks.
    /// </summary>
    internal static RemBertPreTrainedModel Create(RemBertConfig config, string architecture, bool initializeWeights) => architecture switch
    {
        RemBertArchitectures.Model => new RemBertModel(config, addPoolingLayer: true, initializeWeights),
        RemBertArchitectures.ForMaskedLM => new RemBertForMaskedLM(config, initializeWeights),
        RemBertArchitectures.ForCausalLM => new RemBertForCausalLM(config, initializeWeights),
        RemBertArchitectures.ForSequenceClassification => new RemBertForSequenceClassification(config, initializeWeights),
        RemBertArchitectures.ForMultipleChoice => new RemBertForMultipleChoice(config, initializeWeights),
        RemBertArchitectures.ForTokenClassification => new RemBertForTokenClassification(config, initializeWeights),
        RemBertArchitectures.ForQuestionAnswering => new RemBertForQuestionAnswering(config, initializeWeights),
        _ => throw new ArgumentException(
            $"architectures[0] = '{architecture}' is not a RemBERT architecture; supported: {string.Join(", ", RemBertArchitectures.All)}.",
            nameof(architecture)),
    };
}
