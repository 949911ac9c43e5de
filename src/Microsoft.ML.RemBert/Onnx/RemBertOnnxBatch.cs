namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Rows of an IDataView encoded as an exported task graph reads them (one batch, padded to its longest sequence):
/// feed every tensor of <see cref="Inputs"/> to ONNX Runtime under its name. What a row is in the graph depends on the
/// task: multiple choice flattens each row's choices into <c>[rows × choices, seq]</c>; named-entity recognition and
/// question answering run every context window of every row as one sequence of the batch.
/// </summary>
public class RemBertOnnxBatch
{
    internal RemBertOnnxBatch(int rowCount, IReadOnlyList<OnnxInputTensor> inputs)
    {
        RowCount = rowCount;
        Inputs = inputs;
    }

    /// <summary>Rows of the data encoded (rows of the zip's output columns).</summary>
    public int RowCount { get; }

    /// <summary>The graph's inputs: InputIds, AttentionMask and TokenTypeIds (int64), and any the task adds.</summary>
    public IReadOnlyList<OnnxInputTensor> Inputs { get; }

    /// <summary>The input named <paramref name="name"/>; throws naming it and the inputs there are when there is none.</summary>
    public OnnxInputTensor this[string name] => Inputs.FirstOrDefault(input => input.Name == name)
        ?? throw new KeyNotFoundException($"The batch has no ONNX input '{name}'; its inputs are {string.Join(", ", Inputs.Select(input => input.Name))}.");
}
