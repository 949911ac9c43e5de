using System.Globalization;

namespace Microsoft.ML.RemBert.Modeling;

public sealed partial record RemBertConfig
{
    /// <summary>The source name validation reports for a configuration built in code.</summary>
    internal const string InCodeSource = nameof(RemBertConfig);

    /// <summary>
    /// Checks that a model can be built from this configuration: positive sizes, <c>hidden_size</c> divisible by
    /// <c>num_attention_heads</c>, probabilities in [0, 1], a known activation and problem type, token ids inside the
    /// vocabulary, and <c>id2label</c>/<c>label2id</c>/<c>num_labels</c> that agree.
    /// </summary>
    /// <exception cref="RemBertConfigException">The first field at fault, by its config.json key and value.</exception>
    public void Validate() => Validate(InCodeSource);

    internal void Validate(string source)
    {
        RequirePositive(source, RemBertConfigKeys.VocabSize, VocabSize);
        RequirePositive(source, RemBertConfigKeys.HiddenSize, HiddenSize);
        RequirePositive(source, RemBertConfigKeys.NumHiddenLayers, NumHiddenLayers);
        RequirePositive(source, RemBertConfigKeys.NumAttentionHeads, NumAttentionHeads);
        RequirePositive(source, RemBertConfigKeys.InputEmbeddingSize, InputEmbeddingSize);
        RequirePositive(source, RemBertConfigKeys.OutputEmbeddingSize, OutputEmbeddingSize);
        RequirePositive(source, RemBertConfigKeys.IntermediateSize, IntermediateSize);
        RequirePositive(source, RemBertConfigKeys.MaxPositionEmbeddings, MaxPositionEmbeddings);
        RequirePositive(source, RemBertConfigKeys.TypeVocabSize, TypeVocabSize);
        RequirePositive(source, RemBertConfigKeys.NumLabels, NumLabels);
        if (HiddenSize % NumAttentionHeads != 0)
            throw Fail(source, RemBertConfigKeys.HiddenSize, HiddenSize,
                $"must be a multiple of num_attention_heads ({NumAttentionHeads}), so that every head has the same width");

        RequireProbability(source, RemBertConfigKeys.HiddenDropoutProb, HiddenDropoutProb);
        RequireProbability(source, RemBertConfigKeys.AttentionProbsDropoutProb, AttentionProbsDropoutProb);
        RequireProbability(source, RemBertConfigKeys.ClassifierDropoutProb, ClassifierDropoutProb);
        if (!(InitializerRange >= 0) || double.IsInfinity(InitializerRange))
            throw Fail(source, RemBertConfigKeys.InitializerRange, InitializerRange, "must be a finite number >= 0");
        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
            throw Fail(source, RemBertConfigKeys.LayerNormEps, LayerNormEps, "must be a finite number > 0");

        if (!RemBertActivation.IsSupported(HiddenAct))
            throw Fail(source, RemBertConfigKeys.HiddenAct, HiddenAct,
                $"unknown activation; supported: {string.Join(", ", RemBertActivation.SupportedNames)}");
        if (ProblemType is not null && !RemBertProblemType.All.Contains(ProblemType))
            throw Fail(source, RemBertConfigKeys.ProblemType, ProblemType,
                $"unknown problem type; supported: {string.Join(", ", RemBertProblemType.All)} or null");
        if (ModelType != RemBertModelType)
            throw Fail(source, RemBertConfigKeys.ModelType, ModelType, $"this is not a RemBERT configuration (expected '{RemBertModelType}')");
        if (TieWordEmbeddings)
            throw Fail(source, RemBertConfigKeys.TieWordEmbeddings, TieWordEmbeddings,
                "RemBERT's output embedding is decoupled from its input embedding and is never tied");

        RequireTokenId(source, RemBertConfigKeys.PadTokenId, PadTokenId);
        RequireTokenId(source, RemBertConfigKeys.BosTokenId, BosTokenId);
        RequireTokenId(source, RemBertConfigKeys.EosTokenId, EosTokenId);
        ValidateLabels(source);
    }

    private void ValidateLabels(string source)
    {
        if (Id2Label is { } id2Label)
        {
            if (id2Label.Count != NumLabels)
                throw Fail(source, RemBertConfigKeys.NumLabels, NumLabels, $"id2label has {id2Label.Count} entries");
            foreach (var id in id2Label.Keys)
                if (id < 0 || id >= NumLabels)
                    throw Fail(source, RemBertConfigKeys.Id2Label, id, $"class indices must be 0..{NumLabels - 1}");
        }
        if (Label2Id is not { } label2Id) return;
        var names = GetId2Label();
        if (label2Id.Count != names.Count)
            throw Fail(source, RemBertConfigKeys.Label2Id, label2Id.Count, $"has this many entries but id2label has {names.Count}");
        foreach (var (name, id) in label2Id)
            if (!names.TryGetValue(id, out var expected) || expected != name)
                throw Fail(source, RemBertConfigKeys.Label2Id, $"{name}: {id}",
                    $"disagrees with id2label ({id} is '{(expected ?? "absent")}')");
    }

    private void RequireTokenId(string source, string key, int? id)
    {
        if (id is { } value && (value < 0 || value >= VocabSize))
            throw Fail(source, key, value, $"must be a token id in [0, vocab_size = {VocabSize})");
    }

    private static void RequirePositive(string source, string key, int value)
    {
        if (value <= 0) throw Fail(source, key, value, "must be > 0");
    }

    private static void RequireProbability(string source, string key, double value)
    {
        // The negated comparison also rejects NaN.
        if (!(value >= 0 && value <= 1)) throw Fail(source, key, value, "must be a probability in [0, 1]");
    }

    private static RemBertConfigException Fail(string source, string key, object? value, string problem) =>
        new(source, key, value is bool flag ? (flag ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture), problem);
}
