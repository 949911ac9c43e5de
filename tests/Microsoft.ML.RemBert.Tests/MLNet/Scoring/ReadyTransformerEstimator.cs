using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>
/// Estimator for a test scoring transformer that is ready before any data is seen: <c>Fit</c> checks the input schema
/// and returns the transformer, so a test puts it in an ML.NET chain. (The library's estimators — trainers,
/// <c>ApplyRemBertModel</c> — build their transformers in <c>Fit</c>; this was public there and used only by tests.)
/// </summary>
/// <typeparam name="TTransformer">The transformer <c>Fit</c> returns.</typeparam>
internal sealed class ReadyTransformerEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : RemBertScoringTransformer
{
    private readonly IHost _host;
    private readonly TTransformer _transformer;

    /// <summary>An estimator whose <c>Fit</c> returns <paramref name="transformer"/>.</summary>
    public ReadyTransformerEstimator(IHostEnvironment env, TTransformer transformer)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(typeof(TTransformer).Name + "Estimator");
        _host.CheckValue(transformer, nameof(transformer));
        _transformer = transformer;
    }

    /// <summary>Checks the input schema and returns the transformer.</summary>
    public TTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <summary>The input columns plus the task's output columns; throws naming a missing or mistyped input column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _transformer.GetOutputSchema(inputSchema);
}
