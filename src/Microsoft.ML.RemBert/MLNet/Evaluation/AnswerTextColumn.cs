using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Evaluation;

/// <summary>Reads answer texts from a text column (one answer) or a vector-of-text column (several answers).</summary>
internal sealed class AnswerTextColumn
{
    private readonly DataViewSchema.Column _column;

    private AnswerTextColumn(DataViewSchema.Column column) => _column = column;

    public DataViewSchema.Column Column => _column;

    /// <summary>Finds and checks the column; <paramref name="role"/> names it in errors.</summary>
    public static AnswerTextColumn Find(IExceptionContext ectx, DataViewSchema schema, string role, string name)
    {
        var found = schema.GetColumnOrNull(name)
            ?? throw ectx.ExceptSchemaMismatch(nameof(schema), role, name);
        if (found.Type is not (TextDataViewType or VectorDataViewType { ItemType: TextDataViewType }))
            throw ectx.ExceptSchemaMismatch(nameof(schema), role, name, "text or vector of text", found.Type.ToString());
        return new AnswerTextColumn(found);
    }

    /// <summary>A getter of the current row's answers, in column order.</summary>
    public Func<string[]> CreateGetter(DataViewRow row)
    {
        if (_column.Type is TextDataViewType)
        {
            var getter = row.GetGetter<ReadOnlyMemory<char>>(_column);
            var text = default(ReadOnlyMemory<char>);
            return () =>
            {
                getter(ref text);
                return [text.ToString()];
            };
        }
        var vectorGetter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(_column);
        var texts = default(VBuffer<ReadOnlyMemory<char>>);
        return () =>
        {
            vectorGetter(ref texts);
            return texts.DenseValues().Select(value => value.ToString()).ToArray();
        };
    }
}
