namespace Microsoft.ML.RemBert.Tests.Modeling;

/// <summary>Reference losses computed element by element in double precision, independent of libtorch's loss functions.</summary>
internal static class HandLosses
{
    /// <summary>Mean over non-ignored rows of logsumexp(row) − row[label].</summary>
    public static double CrossEntropy(double[] logits, int classes, long[] labels, long ignoreIndex = -100)
    {
        double sum = 0;
        var counted = 0;
        for (var row = 0; row < labels.Length; row++)
        {
            if (labels[row] == ignoreIndex) continue;
            var values = logits.Skip(row * classes).Take(classes).ToArray();
            var max = values.Max();
            var logSumExp = max + Math.Log(values.Sum(v => Math.Exp(v - max)));
            sum += logSumExp - values[labels[row]];
            counted++;
        }
        return sum / counted;
    }

    public static double MeanSquaredError(double[] predictions, double[] targets) =>
        predictions.Zip(targets, (p, t) => (p - t) * (p - t)).Average();

    public static double BinaryCrossEntropyWithLogits(double[] logits, double[] targets) =>
        logits.Zip(targets, (x, y) => -(y * LogSigmoid(x) + (1 - y) * LogSigmoid(-x))).Average();

    private static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));
}
