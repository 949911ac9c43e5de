using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// Checks config.json against the checkpoint's own tensor list (names and shapes from the headers, no data read)
/// before any module is allocated: a config that disagrees with its weights would otherwise build a model of the
/// config's size, which for <c>num_hidden_layers: 100000</c> or a huge <c>vocab_size</c> exhausts memory natively.
/// </summary>
internal static partial class CheckpointConfigCheck
{
    private const string Prefix = CheckpointLoadOptions.RemBertBasePrefix;

    /// <summary>Throws naming config.json's field, its value and what the checkpoint says, at the first disagreement.</summary>
    /// <param name="config">The configuration read from <paramref name="configPath"/>.</param>
    /// <param name="configPath">config.json, named in the error.</param>
    /// <param name="reader">The open checkpoint.</param>
    /// <param name="architecture">The architecture about to be built (decides which head weights are compared).</param>
    /// <param name="allowMissingBaseWeights">When true, a checkpoint with fewer encoder layers than the config is not an error
    /// (the load then initialises the missing layers, as asked).</param>
    /// <exception cref="RemBertConfigException">A size field disagrees with the checkpoint.</exception>
    public static void Check(RemBertConfig config, string configPath, CheckpointReader reader, string architecture, bool allowMissingBaseWeights)
    {
        CheckLayerCount(config, configPath, reader, allowMissingBaseWeights);
        foreach (var (key, dims) in ExpectedShapes(config, architecture))
        {
            var info = Find(reader, key);
            if (info is null) continue;
            string shape = TensorShapes.Format(info.Shape);
            var (firstField, firstValue) = dims.First(d => d.Field is not null);
            if (info.Shape.Count != dims.Length)
                throw new RemBertConfigException(configPath, firstField!, firstValue.ToString(CultureInfo.InvariantCulture),
                    $"the checkpoint's {info.Key} has shape {shape}, not a {dims.Length}-dimensional weight");
            for (int d = 0; d < dims.Length; d++)
                if (dims[d].Field is { } field && info.Shape[d] != dims[d].Value)
                    throw new RemBertConfigException(configPath, field, dims[d].Value.ToString(CultureInfo.InvariantCulture),
                        $"the checkpoint's {info.Key} has shape {shape}, so {field} must be {info.Shape[d]}");
        }
    }

    private static void CheckLayerCount(RemBertConfig config, string configPath, CheckpointReader reader, bool allowMissingBaseWeights)
    {
        long layers = 0;
        foreach (var key in reader.Keys)
        {
            var match = LayerKey().Match(key);
            if (!match.Success) continue;
            // An index too large for a long is as wrong as any index past the config's layers.
            long index = long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue - 1;
            layers = Math.Max(layers, index + 1);
        }
        if (layers == 0 || layers == config.NumHiddenLayers || (allowMissingBaseWeights && layers < config.NumHiddenLayers)) return;
        throw new RemBertConfigException(configPath, RemBertConfigKeys.NumHiddenLayers, config.NumHiddenLayers.ToString(CultureInfo.InvariantCulture),
            $"the checkpoint '{reader.Source}' holds {layers} encoder layer(s) (encoder.layer.0 to encoder.layer.{layers - 1})");
    }

    /// <summary>Base-model weights (looked up with and without the <c>rembert.</c> prefix) and the head weights of <paramref name="architecture"/>, with the config field behind each dimension.</summary>
    private static IEnumerable<(string Key, (string? Field, long Value)[] Dims)> ExpectedShapes(RemBertConfig c, string architecture)
    {
        var vocab = (RemBertConfigKeys.VocabSize, (long)c.VocabSize);
        var hidden = (RemBertConfigKeys.HiddenSize, (long)c.HiddenSize);
        var input = (RemBertConfigKeys.InputEmbeddingSize, (long)c.InputEmbeddingSize);
        var output = (RemBertConfigKeys.OutputEmbeddingSize, (long)c.OutputEmbeddingSize);
        var labels = (RemBertConfigKeys.NumLabels, (long)c.NumLabels);
        yield return ("embeddings.word_embeddings.weight", new (string?, long)[] { vocab, input });
        yield return ("embeddings.position_embeddings.weight", new (string?, long)[] { (RemBertConfigKeys.MaxPositionEmbeddings, c.MaxPositionEmbeddings), input });
        yield return ("embeddings.token_type_embeddings.weight", new (string?, long)[] { (RemBertConfigKeys.TypeVocabSize, c.TypeVocabSize), input });
        yield return ("encoder.embedding_hidden_mapping_in.weight", new (string?, long)[] { hidden, input });
        yield return ("encoder.layer.0.attention.self.query.weight", new (string?, long)[] { hidden, hidden });
        yield return ("encoder.layer.0.intermediate.dense.weight", new (string?, long)[] { (RemBertConfigKeys.IntermediateSize, c.IntermediateSize), hidden });
        yield return ("pooler.dense.weight", new (string?, long)[] { hidden, hidden });
        switch (architecture)
        {
            case RemBertArchitectures.ForMaskedLM or RemBertArchitectures.ForCausalLM:
                yield return ("cls.predictions.dense.weight", new (string?, long)[] { output, hidden });
                yield return ("cls.predictions.decoder.weight", new (string?, long)[] { vocab, output });
                break;
            case RemBertArchitectures.ForSequenceClassification or RemBertArchitectures.ForTokenClassification:
                yield return ("classifier.weight", new (string?, long)[] { labels, hidden });
                break;
            case RemBertArchitectures.ForMultipleChoice:
                yield return ("classifier.weight", new (string?, long)[] { (null, 1), hidden });
                break;
            case RemBertArchitectures.ForQuestionAnswering:
                yield return ("qa_outputs.weight", new (string?, long)[] { (null, 2), hidden });
                break;
        }
    }

    private static CheckpointTensorInfo? Find(CheckpointReader reader, string key) =>
        reader.Contains(key) ? reader.GetInfo(key) : reader.Contains(Prefix + key) ? reader.GetInfo(Prefix + key) : null;

    [GeneratedRegex(@"^(?:rembert\.)?encoder\.layer\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex LayerKey();
}
