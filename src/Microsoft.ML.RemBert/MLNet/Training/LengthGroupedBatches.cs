namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Splits examples into batches of similar length, so dynamic padding wastes little (transformers'
/// <c>group_by_length</c>): the examples are shuffled, cut into groups of <see cref="GroupBatches"/> batches, each group
/// sorted by length and cut into batches, and the batches shuffled. Every draw comes from the caller's random source, so
/// the same seed gives the same batches.
/// </summary>
internal static class LengthGroupedBatches
{
    /// <summary>Batches per length-sorted group: large enough to group well, small enough to keep epochs random.</summary>
    public const int GroupBatches = 50;

    /// <summary>Training batches of example indices for one epoch, in a random order drawn from <paramref name="random"/>.</summary>
    public static List<int[]> Shuffled(IReadOnlyList<int> lengths, int batchSize, Random random)
    {
        int[] order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>();
        int groupSize = batchSize * GroupBatches;
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
