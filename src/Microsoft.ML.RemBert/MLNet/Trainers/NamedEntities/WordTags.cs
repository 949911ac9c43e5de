namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>One row's prediction: per word, the key of its tag (tag index + 1) and that tag's softmax probability.</summary>
internal sealed record WordTags(uint[] Keys, float[] Scores)
{
    /// <summary>The prediction of a row without words.</summary>
    public static WordTags Empty { get; } = new([], []);

    /// <summary>The prediction of words from their logits (one array of tag logits per word).</summary>
    public static WordTags FromLogits(IReadOnlyList<float[]> logits)
    {
        var keys = new uint[logits.Count];
        var scores = new float[logits.Count];
        for (int word = 0; word < logits.Count; word++)
        {
            var wordLogits = logits[word];
            int best = SequenceProblem.ArgMax(wordLogits);
            double sum = 0;
            foreach (float logit in wordLogits)
                sum += Math.Exp(logit - wordLogits[best]);
            keys[word] = (uint)best + 1;
            scores[word] = (float)(1 / sum);
        }
        return new WordTags(keys, scores);
    }
}
