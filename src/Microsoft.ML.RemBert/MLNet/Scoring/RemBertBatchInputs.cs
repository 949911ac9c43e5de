using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// The model inputs of one batch, <c>[rows, length]</c> int64 tensors, where length is the batch's longest row
/// (dynamic padding: a batch of short rows costs short rows, never <c>MaxSequenceLength</c>). Created inside the
/// batch's dispose scope by a task's <c>Collate</c>, so the tensors die with the batch.
/// </summary>
/// <param name="InputIds">Token ids, padded with the pad token id.</param>
/// <param name="AttentionMask">1 for real tokens, 0 for padding.</param>
/// <param name="TokenTypeIds">Segment ids, padded with 0.</param>
internal sealed record RemBertBatchInputs(Tensor InputIds, Tensor AttentionMask, Tensor TokenTypeIds)
{
    /// <summary>
    /// Pads each row's <paramref name="inputIds"/> and <paramref name="tokenTypeIds"/> (unpadded encodings, one per
    /// row, same lengths per row) on the right to the longest row and builds the three tensors on <paramref name="device"/>.
    /// </summary>
    public static RemBertBatchInputs Pad(IReadOnlyList<int[]> inputIds, IReadOnlyList<int[]> tokenTypeIds, long padTokenId, Device device)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(tokenTypeIds);
        if (inputIds.Count == 0)
            throw new ArgumentException("A batch needs at least one row.", nameof(inputIds));
        if (tokenTypeIds.Count != inputIds.Count)
            throw new ArgumentException($"{inputIds.Count} rows of input ids but {tokenTypeIds.Count} of token type ids.", nameof(tokenTypeIds));

        int rows = inputIds.Count;
        int length = inputIds.Max(ids => ids.Length);
        if (length == 0)
            throw new ArgumentException("Every row of the batch is empty; an encoding holds at least its special tokens.", nameof(inputIds));
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var types = new long[rows * length];
        for (int row = 0; row < rows; row++)
        {
            int[] rowIds = inputIds[row];
            int[] rowTypes = tokenTypeIds[row];
            if (rowTypes.Length != rowIds.Length)
                throw new ArgumentException($"Row {row} has {rowIds.Length} input ids but {rowTypes.Length} token type ids.", nameof(tokenTypeIds));
            int offset = row * length;
            for (int i = 0; i < length; i++)
            {
                bool real = i < rowIds.Length;
                ids[offset + i] = real ? rowIds[i] : padTokenId;
                mask[offset + i] = real ? 1 : 0;
                types[offset + i] = real ? rowTypes[i] : 0;
            }
        }
        long[] shape = [rows, length];
        return new RemBertBatchInputs(
            tensor(ids, shape).to(device),
            tensor(mask, shape).to(device),
            tensor(types, shape).to(device));
    }
}
