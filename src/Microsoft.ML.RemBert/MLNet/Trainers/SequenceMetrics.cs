namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// The validation metrics of the sentence-level heads, over each row's logits and label, with ML.NET's definitions
/// (and names) so the value that picks the kept weights is the one <c>MulticlassClassification.Evaluate</c>,
/// <c>BinaryClassification.Evaluate</c> or <c>Regression.Evaluate</c> reports for them; log-loss is the mean cross
/// entropy in nats with probabilities clamped at 1e-15.
/// </summary>
internal static class SequenceMetrics
{
    private const double ProbabilityFloor = 1e-15;

    /// <summary>Share of rows whose largest logit is their label.</summary>
    public static double MicroAccuracy(IReadOnlyList<float[]> logits, IReadOnlyList<float> labels)
        => Enumerable.Range(0, logits.Count).Count(i => SequenceProblem.ArgMax(logits[i]) == (int)labels[i]) / (double)Math.Max(1, logits.Count);

    /// <summary>The mean over the classes present in the labels of each class's share of rows predicted right (ML.NET's MacroAccuracy).</summary>
    public static double MacroAccuracy(IReadOnlyList<float[]> logits, IReadOnlyList<float> labels)
    {
        var perClass = Enumerable.Range(0, logits.Count)
            .GroupBy(i => (int)labels[i])
            .Select(rows => rows.Count(i => SequenceProblem.ArgMax(logits[i]) == rows.Key) / (double)rows.Count())
            .ToList();
        return perClass.Count == 0 ? 0 : perClass.Average();
    }

    /// <summary>Mean of −ln p(label) under the softmax of each row's logits.</summary>
    public static double LogLoss(IReadOnlyList<float[]> logits, IReadOnlyList<float> labels)
    {
        double total = 0;
        for (int i = 0; i < logits.Count; i++)
        {
            double max = logits[i].Max();
            double sum = logits[i].Sum(logit => Math.Exp(logit - max));
            double probability = Math.Exp(logits[i][(int)labels[i]] - max) / sum;
            total -= Math.Log(Math.Max(probability, ProbabilityFloor));
        }
        return total / Math.Max(1, logits.Count);
    }

    /// <summary>
    /// Area under the ROC curve of the scores against the Boolean labels (1 = positive): the probability that a
    /// positive outranks a negative, ties counting half. NaN when the labels hold one class only.
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<float> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            double meanRank = (start + end) / 2.0 + 1; // tied scores share their mean rank
            for (int k = start; k <= end; k++)
                if (labels[order[k]] > 0) { positiveRankSum += meanRank; positives++; }
            start = end + 1;
        }
        long negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>F1 of the positive class (score &gt; 0 predicts positive); 0 when there is no true positive.</summary>
    public static double F1Score(IReadOnlyList<double> scores, IReadOnlyList<float> labels)
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool predicted = scores[i] > 0, actual = labels[i] > 0;
            if (predicted && actual) truePositives++;
            else if (predicted) falsePositives++;
            else if (actual) falseNegatives++;
        }
        return truePositives == 0 ? 0 : 2.0 * truePositives / (2.0 * truePositives + falsePositives + falseNegatives);
    }

    /// <summary>Mean squared error of the single logit against the target.</summary>
    public static double MeanSquaredError(IReadOnlyList<float[]> logits, IReadOnlyList<float> labels)
        => logits.Count == 0 ? 0 : Enumerable.Range(0, logits.Count).Average(i => Math.Pow(logits[i][0] - labels[i], 2));

    /// <summary>Mean absolute error of the single logit against the target.</summary>
    public static double MeanAbsoluteError(IReadOnlyList<float[]> logits, IReadOnlyList<float> labels)
        => logits.Count == 0 ? 0 : Enumerable.Range(0, logits.Count).Average(i => Math.Abs(logits[i][0] - labels[i]));

    /// <summary>1 − (residual sum of squares / total sum of squares around the targets' mean); NaN when every target is equal.</summary>
    public static double RSquared(IReadOnlyList<float[]> logits, IReadOnlyList<float> labels)
    {
        if (logits.Count == 0) return double.NaN;
        double mean = labels.Average(label => (double)label);
        double total = labels.Sum(label => Math.Pow(label - mean, 2));
        double residual = Enumerable.Range(0, logits.Count).Sum(i => Math.Pow(logits[i][0] - labels[i], 2));
        return total == 0 ? double.NaN : 1 - residual / total;
    }
}
