namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Expected, predicted and correct entity counts, and the scores seqeval derives from them (a zero denominator
/// gives 0, seqeval's <c>zero_division="warn"</c> default).
/// </summary>
internal readonly record struct EntityCounts(long Expected, long Predicted, long Correct)
{
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;

    public double Recall => Expected == 0 ? 0 : (double)Correct / Expected;

    public double F1Score => HarmonicMean(Precision, Recall);

    public static double HarmonicMean(double precision, double recall)
        => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    public static EntityCounts operator +(EntityCounts a, EntityCounts b)
        => new(a.Expected + b.Expected, a.Predicted + b.Predicted, a.Correct + b.Correct);
}
