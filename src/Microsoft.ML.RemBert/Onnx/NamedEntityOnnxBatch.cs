namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Rows encoded for a named-entity model's ONNX export: every window of every row is one sequence of InputIds,
/// AttentionMask and TokenTypeIds (<c>[windows, seq]</c>), and <c>WordPositions</c> (<c>[rows, words]</c>, padded
/// with 0 past a row's words) gives, for each word, the flat index <c>window × seq + position</c> of the token its tag
/// is read from (its first piece, in the window where it has the most context, as the zip reads it). The graph's
/// PredictedLabel and Score are then <c>[rows, words]</c>: <see cref="PerRow{T}"/> cuts them back to each row's words.
/// </summary>
public sealed class NamedEntityOnnxBatch : RemBertOnnxBatch
{
    /// <summary>Name of the graph input of word positions.</summary>
    public const string WordPositionsName = "WordPositions";

    internal NamedEntityOnnxBatch(IReadOnlyList<int> wordCounts, IReadOnlyList<OnnxInputTensor> inputs) : base(wordCounts.Count, inputs)
        => WordCounts = wordCounts;

    /// <summary>Words of each row.</summary>
    public IReadOnlyList<int> WordCounts { get; }

    /// <summary>
    /// A graph output of shape <c>[rows, words]</c> (row-major, as ONNX Runtime returns it) as one array per row, of that
    /// row's word count: the zip's PredictedLabel and Score of the row.
    /// </summary>
    public T[][] PerRow<T>(IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int width = this[WordPositionsName].Dimensions[1];
        if (values.Count != RowCount * width)
            throw new ArgumentException($"The output has {values.Count} values; [rows, words] of this batch is [{RowCount}, {width}] = {RowCount * width}.", nameof(values));
        return Enumerable.Range(0, RowCount).Select(row => Enumerable.Range(row * width, WordCounts[row]).Select(i => values[i]).ToArray()).ToArray();
    }
}
