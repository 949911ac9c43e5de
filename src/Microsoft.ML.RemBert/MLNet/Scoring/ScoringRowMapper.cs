using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// The row-to-row mapper of a <see cref="RemBertScoringTransformer"/>, used by PredictionEngine and by
/// TransformerChain's composed mapper: each input row is scored alone (a batch of one) when one of its output
/// columns is read, and scored once however many output columns are read.
/// </summary>
internal sealed class ScoringRowMapper(RemBertScoringTransformer transformer, DataViewSchema inputSchema, DataViewSchema outputSchema)
    : IRowToRowMapper
{
    /// <inheritdoc/>
    public DataViewSchema InputSchema => inputSchema;

    /// <inheritdoc/>
    public DataViewSchema OutputSchema => outputSchema;

    /// <summary>The model's input columns when an output column is needed, plus the needed input columns themselves.</summary>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = dependingColumns.Select(column => column.Index).ToHashSet();
        var result = needed.Where(index => index < inputSchema.Count).ToHashSet();
        if (needed.Any(index => index >= inputSchema.Count))
        {
            foreach (var input in transformer.ScoringTask.InputColumns)
                result.Add(inputSchema[input.Name].Index);
        }
        return result.Order().Select(index => inputSchema[index]).ToList();
    }

    /// <summary>
    /// The scored row of <paramref name="input"/>; it holds the model until it is collected (see
    /// <see cref="ScoringModelLifetime"/>): ML.NET's PredictionEngine scores through one such row for its whole life.
    /// </summary>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var hold = transformer.Lifetime.CreateEngineHold();
        var active = activeColumns.Select(column => column.Index).ToHashSet();
        int inputCount = inputSchema.Count;
        var getters = transformer.ScoringTask.CreateGetters(transformer.Lifetime, hold, input, readAhead: null, batchSize: 1, i => active.Contains(inputCount + i));
        return new ScoredDataViewRow(input, outputSchema, getters, hold);
    }
}
