using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// What a model-scoring task supplies to the batched scoring plumbing (sequence classification, regression, token
/// classification, question answering…): how a row becomes a model input (<see cref="CreateRowReader"/>, e.g.
/// tokenization), how a batch of those becomes tensors (<see cref="Collate"/>, usually
/// <see cref="RemBertBatchInputs.Pad"/>), the forward call (<see cref="Forward"/>), and how one row's result
/// fills the output columns (<see cref="Outputs"/>). The plumbing gathers rows into batches, runs
/// <see cref="Collate"/> and <see cref="Forward"/> once per batch inside a dispose scope under <c>no_grad</c>, and
/// serves each row's result from the batch.
/// </summary>
/// <typeparam name="TRow">One row's model input (e.g. its encoding); kept only until its batch is scored.</typeparam>
/// <typeparam name="TResult">
/// One row's result as managed values copied out of the batch's tensors (e.g. <c>float[]</c> of logits): every tensor
/// of a batch is disposed when the batch has been scored, so a result must not hold one.
/// </typeparam>
internal abstract class RemBertScoringTask<TRow, TResult> : RemBertScoringTask
{
    /// <summary>The output columns and how a row's result fills each, in output-schema order.</summary>
    public abstract IReadOnlyList<ScoringOutputColumn<TResult>> Outputs { get; }

    /// <summary>
    /// Called once per cursor (so on one thread): returns a function that reads the current row of
    /// <paramref name="input"/> (whose <see cref="RemBertScoringTask.InputColumns"/> are active) into a model input.
    /// Errors name the row (<c>input.Position</c>) and column.
    /// </summary>
    public abstract Func<TRow> CreateRowReader(DataViewRow input);

    /// <summary>The batch's tensors, padded to the batch's own longest row; called inside the batch's dispose scope.</summary>
    public abstract RemBertBatchInputs Collate(IReadOnlyList<TRow> rows);

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> (inside the batch's dispose scope, under <c>no_grad</c>) and returns
    /// one result per row of <paramref name="rows"/>, in order.
    /// </summary>
    public abstract TResult[] Forward(RemBertBatchInputs inputs, IReadOnlyList<TRow> rows);

    /// <inheritdoc/>
    internal sealed override IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations? Annotations)> OutputColumnInfos
        => Outputs.Select(column => (column.Name, column.Type, column.Annotations)).ToList();

    /// <summary>
    /// The length a row is padded from in a batch (its tokens), or null when rows are not one sequence each: then a
    /// batch is always scored in one forward pass. With lengths, a batch of rows of very different lengths is scored
    /// in several passes of similar lengths (<see cref="LengthBuckets"/>).
    /// </summary>
    internal virtual int? SequenceLength(TRow row) => null;

    /// <summary>
    /// Scores one batch: <see cref="Collate"/> then <see cref="Forward"/>, every tensor disposed on return; split into
    /// passes of rows of similar lengths when that pads less (results in the order of <paramref name="rows"/>).
    /// </summary>
    internal TResult[] ScoreBatch(IReadOnlyList<TRow> rows)
    {
        if (rows.Count < 2 || SequenceLength(rows[0]) is null)
            return ScorePass(rows);
        var passes = LengthBuckets.Split(rows.Select(row => SequenceLength(row) ?? 0).ToList());
        if (passes.Count == 1)
            return ScorePass(rows);
        var results = new TResult[rows.Count];
        foreach (var pass in passes)
        {
            var scored = ScorePass(pass.Select(i => rows[i]).ToList());
            for (int k = 0; k < pass.Length; k++)
                results[pass[k]] = scored[k];
        }
        return results;
    }

    private TResult[] ScorePass(IReadOnlyList<TRow> rows)
    {
        TResult[] results;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var inputs = Collate(rows);
            results = Forward(inputs, rows);
        }
        if (results.Length != rows.Count)
            throw new InvalidOperationException($"{GetType().Name}.Forward returned {results.Length} results for a batch of {rows.Count} rows.");
        return results;
    }

    /// <inheritdoc/>
    internal sealed override Delegate?[] CreateGetters(ScoringModelLifetime lifetime, ScoringModelLifetime.EngineHold? engineHold, DataViewRow current, DataViewRowCursor? readAhead, int batchSize,
        Func<int, bool> isOutputActive)
    {
        var outputs = Outputs;
        var getters = new Delegate?[outputs.Count];
        if (!Enumerable.Range(0, outputs.Count).Any(isOutputActive))
            return getters;
        var results = new BatchedResults<TRow, TResult>(this, lifetime, engineHold, current, readAhead, batchSize);
        for (int i = 0; i < outputs.Count; i++)
        {
            if (isOutputActive(i))
                getters[i] = outputs[i].MakeGetter(results.Current);
        }
        return getters;
    }
}
