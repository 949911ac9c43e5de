using System.Text;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>Seeded mutations of a config.json: each reads (and writes back) or fails with a <see cref="RemBertConfigException"/>.</summary>
[Collection(nameof(MemoryMeasurementCollection))] // FuzzRun measures the process's managed heap: nothing else may run meanwhile
public class ConfigJsonFuzzTests(ITestOutputHelper output)
{
    private const string Valid = """
        {
          "architectures": ["RemBertForSequenceClassification"],
          "model_type": "rembert",
          "vocab_size": 8000, "hidden_size": 48, "num_hidden_layers": 3, "num_attention_heads": 4,
          "input_embedding_size": 24, "output_embedding_size": 40, "intermediate_size": 96, "hidden_act": "gelu",
          "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "classifier_dropout_prob": 0.1,
          "max_position_embeddings": 128, "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12,
          "pad_token_id": 0, "bos_token_id": 3, "eos_token_id": 4, "tie_word_embeddings": false, "torch_dtype": "float32",
          "transformers_version": "4.44.0", "problem_type": null,
          "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
          "label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2}
        }
        """;

    [Fact]
    public void MutatedConfigsReadOrFailWithARemBertConfigException()
    {
        int mutations = FuzzRun.Run<RemBertConfigException>("config.json", new[] { Encoding.UTF8.GetBytes(Valid) },
            (json, random) => ByteMutator.Mutate(json, random, json: true), bytes =>
            {
                var config = RemBertConfig.FromJson(Encoding.UTF8.GetString(bytes), "fuzz/config.json");
                // What was accepted must write back to a file that reads as the same configuration.
                Assert.Equal(config.ToJson(), RemBertConfig.FromJson(config.ToJson()).ToJson());
                config.EstimateParameterCount(RemBertModelFactory.ConfiguredArchitecture(config));
            });
        output.WriteLine($"{mutations} mutations");
    }
}
