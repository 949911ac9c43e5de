using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Fills one output value of a row from that row's result (e.g. copies the logits into a <c>VBuffer&lt;float&gt;</c>).
/// Called on the cursor's thread; <paramref name="value"/> may be reused by the caller, as ML.NET getters allow.
/// </summary>
internal delegate void RowResultWriter<TResult, TValue>(TResult result, ref TValue value);

/// <summary>
/// An output column of a scoring task: its name, type and annotations (slot names, key values, score kind… which
/// ML.NET's evaluators and <c>MapKeyToValue</c> read), and how one row's result fills it. Create with
/// <see cref="ScoringOutputColumn{TResult}.Create{TValue}"/>.
/// </summary>
/// <typeparam name="TResult">The task's per-row result (managed values copied out of the batch's tensors).</typeparam>
internal abstract class ScoringOutputColumn<TResult>
{
    private protected ScoringOutputColumn(string name, DataViewType type, DataViewSchema.Annotations? annotations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Type = type;
        Annotations = annotations;
    }

    /// <summary>Column name in the output schema (hides an input column of the same name, as in ML.NET).</summary>
    public string Name { get; }

    /// <summary>Column type (e.g. a known-size <c>Vector&lt;Single&gt;</c>, a key type, <c>Single</c>).</summary>
    public DataViewType Type { get; }

    /// <summary>Annotations of the column, or null.</summary>
    public DataViewSchema.Annotations? Annotations { get; }

    /// <summary>Builds a column whose value is written by <paramref name="write"/> from the row's result.</summary>
    public static ScoringOutputColumn<TResult> Create<TValue>(string name, DataViewType type,
        RowResultWriter<TResult, TValue> write, DataViewSchema.Annotations? annotations = null)
    {
        if (type.RawType != typeof(TValue))
            throw new ArgumentException($"Output column '{name}' has type {type} (raw {type.RawType.Name}) but its writer fills {typeof(TValue).Name}.", nameof(type));
        return new Typed<TValue>(name, type, write, annotations);
    }

    /// <summary>A ValueGetter&lt;TValue&gt; that reads the current row's result through <paramref name="currentResult"/>.</summary>
    internal abstract Delegate MakeGetter(Func<TResult> currentResult);

    private sealed class Typed<TValue>(string name, DataViewType type, RowResultWriter<TResult, TValue> write, DataViewSchema.Annotations? annotations)
        : ScoringOutputColumn<TResult>(name, type, annotations)
    {
        internal override Delegate MakeGetter(Func<TResult> currentResult)
            => (ValueGetter<TValue>)((ref TValue value) => write(currentResult(), ref value));
    }
}
