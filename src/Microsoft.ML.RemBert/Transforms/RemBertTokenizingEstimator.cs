using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>
/// Estimator for <see cref="RemBertTokenizingTransformer"/>. Tokenization learns nothing from data, so
/// <c>Fit</c> only checks the input schema and returns the transformer. Create it with
/// <c>mlContext.Transforms.Text.TokenizeForRemBert(...)</c>.
/// </summary>
public sealed class RemBertTokenizingEstimator : TrivialEstimator<RemBertTokenizingTransformer>
{
    internal RemBertTokenizingEstimator(IHostEnvironment env, RemBertTokenizingTransformer transformer)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(RemBertTokenizingEstimator)), transformer)
    {
    }

    /// <summary>Adds the three Int64 vector columns; throws naming a missing or non-text input column.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        var options = Transformer.Options;
        CheckTextColumn(inputSchema, options.InputColumnName);
        if (options.SecondInputColumnName is not null)
            CheckTextColumn(inputSchema, options.SecondInputColumnName);

        var columns = inputSchema.ToDictionary(column => column.Name);
        foreach (string name in new[] { options.InputIdsColumnName, options.AttentionMaskColumnName, options.TokenTypeIdsColumnName })
            columns[name] = new SchemaShape.Column(name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Int64, isKey: false);
        return new SchemaShape(columns.Values);
    }

    private void CheckTextColumn(SchemaShape inputSchema, string name)
    {
        if (!inputSchema.TryFindColumn(name, out var column))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", name);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "input", name, TextDataViewType.Instance.ToString(), column.GetTypeString());
    }
}
