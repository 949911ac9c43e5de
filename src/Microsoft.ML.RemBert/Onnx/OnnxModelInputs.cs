using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// The model's three int64 graph inputs, <c>[batch, seq]</c> with both axes dynamic, under the names of the
/// tokenizer transform's output columns (<c>InputIds</c>, <c>AttentionMask</c>, <c>TokenTypeIds</c> by default), so
/// <c>TokenizeForRemBert</c> followed by <c>ApplyOnnxModel</c> feeds them by name.
/// </summary>
/// <remarks>
/// Declared as graph inputs for the ids-in export; the text-in export computes the same three values inside the
/// graph (RemBertOnnxTokenizerWriter) and returns them as a record of this type.
/// </remarks>
internal sealed record OnnxModelInputs(string InputIds, string AttentionMask, string TokenTypeIds)
{
    /// <summary>The variables of the three inputs: the columns of the pipeline when it has them, else new graph inputs.</summary>
    public static OnnxModelInputs Declare(OnnxContext ctx, string inputIds = "InputIds", string attentionMask = "AttentionMask", string tokenTypeIds = "TokenTypeIds")
        => new(Declare(ctx, inputIds), Declare(ctx, attentionMask), Declare(ctx, tokenTypeIds));

    internal static string Declare(OnnxContext ctx, string columnName)
    {
        if (!ctx.ContainsColumn(columnName))
            AddInputVariable(ctx, new VectorDataViewType(NumberDataViewType.Int64), columnName);
        return ctx.GetVariableName(columnName);
    }

    /// <summary>
    /// ML.NET adds graph inputs only for the pipeline's source columns, through OnnxContextImpl.AddInputVariable, a
    /// public method of an internal class of Microsoft.ML.OnnxConverter (which this library does not reference:
    /// whoever calls ConvertToOnnx does). An unknown-size vector becomes a [-1, "dim"] input: both axes dynamic.
    /// </summary>
    private static void AddInputVariable(OnnxContext ctx, DataViewType type, string columnName)
    {
        var method = ctx.GetType().GetMethod("AddInputVariable", BindingFlags.Public | BindingFlags.Instance, [typeof(DataViewType), typeof(string)])
            ?? throw new NotSupportedException(
                $"ONNX export: {ctx.GetType().FullName} has no AddInputVariable(DataViewType, string); this library supports Microsoft.ML.OnnxConverter 0.23.1's OnnxContextImpl.");
        method.Invoke(ctx, [type, columnName]);
    }
}
