namespace OnnxAccuracy;

/// <summary>The share of predicted labels equal to the truth.</summary>
internal static class Accuracy
{
    /// <summary>Accuracy of <paramref name="predicted"/> against <paramref name="truth"/> (same order, same length).</summary>
    public static double Of(IReadOnlyList<string> predicted, IReadOnlyList<string> truth)
    {
        if (predicted.Count != truth.Count)
            throw new InvalidOperationException($"{predicted.Count} predictions for {truth.Count} held-out labels.");
        return truth.Count == 0 ? 0 : (double)predicted.Zip(truth).Count(pair => pair.First == pair.Second) / truth.Count;
    }
}
