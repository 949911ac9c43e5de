namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Splits a batch of rows of different lengths into forward passes of rows of similar lengths. A batch is padded to its
/// longest row, so a batch of requests from 18 to 138 bytes of text (the intent test set) spends about half of its
/// work on padding; sorting the rows by length and cutting where the padding saved outweighs the cost of one more
/// forward pass scores the same rows for less. Results do not depend on the split (each row sees only its own tokens;
/// padding changes float rounding by about 1e-6).
/// </summary>
internal static class LengthBuckets
{
    /// <summary>
    /// The fixed cost of one more forward pass, in padded tokens (launching each layer's operators, streaming its
    /// weights once more): a cut must save more padding than this. Measured with the Serving benchmark at 16 clients
    /// (docs/serving.md), requests/s of the batching Web API with 32, 8 and 2: the embedded default's intent zip
    /// 614-624, 675 and 686; the 4-layer zip of google/rembert's width 52-53, 57 and 54. Rows within a token or two of
    /// each other stay in one pass.
    /// </summary>
    public const int ForwardCostInTokens = 8;

    /// <summary>
    /// The forward passes to score rows of <paramref name="lengths"/> in, each a list of row indices (sorted by length),
    /// minimizing the padded tokens plus <see cref="ForwardCostInTokens"/> per pass (dynamic programming over the rows
    /// sorted by length, O(n²) for n rows). One pass of every row when splitting saves nothing.
    /// </summary>
    public static List<int[]> Split(IReadOnlyList<int> lengths)
    {
        int n = lengths.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => lengths[i]).ToArray();
        // best[i]: least cost of the i shortest rows; cut[i]: where the last pass of those begins.
        var best = new long[n + 1];
        var cut = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            best[i] = long.MaxValue;
            long longest = lengths[order[i - 1]];
            for (int j = 0; j < i; j++)
            {
                long cost = best[j] + (i - j) * longest + ForwardCostInTokens;
                if (cost < best[i])
                    (best[i], cut[i]) = (cost, j);
            }
        }
        var passes = new List<int[]>();
        for (int i = n; i > 0; i = cut[i])
            passes.Add(order[cut[i]..i]);
        passes.Reverse();
        return passes;
    }
}
