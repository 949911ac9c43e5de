namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Splits examples into batches of similar length, so dynamic padding wastes little (transformers'
/// <c>group_by_length</c>, its <c>LengthGroupedSampler</c>): the examples are shuffled, cut into groups of
/// <see cref="GroupBatches"/> batches, each group sorted by length and cut into batches, and the batches shuffled. Every
/// draw comes from the caller's random source, so the same seed gives the same batches.
/// </summary>
internal static class LengthGroupedBatches
{
    /// <summary>The most batches per length-sorted group (transformers' cap).</summary>
    public const int MaxGroupBatches = 50;

    /// <summary>
    /// Batches per length-sorted group, as transformers' <c>get_length_grouped_indices</c> sizes its megabatches:
    /// <c>min(count / (4 × batch size), 50)</c>, at least 1. A small data set thus keeps small groups: sorting it whole
    /// (a fixed 50) made nearly the same batches every epoch, which trained differently from transformers (issue 21:
    /// the NER sample's entity F1 came out above the PyTorch reference's range over its seeds).
    /// </summary>
    public static int GroupBatches(int count, int batchSize) => Math.Clamp(count / (4 * batchSize), 1, MaxGroupBatches);

    /// <summary>Training batches of example indices for one epoch, in a random order drawn from <paramref name="random"/>.</summary>
    public static List<int[]> Shuffled(IReadOnlyList<int> lengths, int batchSize, Random random)
    {
        int[] order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>();
        int groupSize = batchSize * GroupBatches(lengths.Count, batchSize);
        for (int start = 0; start < order.Length; start += groupSize)
        {
            var group = order.Skip(start).Take(groupSize).OrderByDescending(i => lengths[i]).ToArray(); // stable
            batches.AddRange(group.Chunk(batchSize));
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled.ToList();
    }

    /// <summary>Batches of example indices in length order, for scoring (no randomness needed).</summary>
    public static List<int[]> Sorted(IReadOnlyList<int> lengths, int batchSize)
        => Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).Chunk(batchSize).ToList();
}
