namespace OnnxAccuracy;

/// <summary>
/// What one engine predicted on a task's held-out data, in the same order for every engine: one label per unit the
/// task is scored on (a row, or a word for named entities) and the scores behind them, flattened.
/// </summary>
/// <param name="Labels">The predicted label of each unit, as text (intent, tag, choice index, best answer).</param>
/// <param name="Scores">The scores the engine gives, flattened in a fixed order (probabilities of every class or choice, the probability of each word's tag, the best answer's probability).</param>
internal sealed record EnginePredictions(IReadOnlyList<string> Labels, IReadOnlyList<float> Scores)
{
    /// <summary>Units where <paramref name="other"/> predicts the same label as this.</summary>
    public int AgreeingUnits(EnginePredictions other)
    {
        CheckSameShape(other.Labels.Count, Labels.Count, "labels");
        return Labels.Zip(other.Labels).Count(pair => pair.First == pair.Second);
    }

    /// <summary>The largest |score difference| between this and <paramref name="other"/>.</summary>
    public double MaxScoreDifference(EnginePredictions other)
    {
        CheckSameShape(other.Scores.Count, Scores.Count, "scores");
        return Scores.Zip(other.Scores).Select(pair => (double)Math.Abs(pair.First - pair.Second)).DefaultIfEmpty(0).Max();
    }

    /// <summary>The mean |score difference| between this and <paramref name="other"/>.</summary>
    public double MeanScoreDifference(EnginePredictions other)
    {
        CheckSameShape(other.Scores.Count, Scores.Count, "scores");
        return Scores.Zip(other.Scores).Select(pair => (double)Math.Abs(pair.First - pair.Second)).DefaultIfEmpty(0).Average();
    }

    private static void CheckSameShape(int actual, int expected, string what)
    {
        if (actual != expected)
            throw new InvalidOperationException($"The engines gave {expected} and {actual} {what}: they did not score the same units.");
    }
}
