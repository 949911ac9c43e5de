using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Estimator for a scoring transformer that is ready before any data is seen (a fine-tuned checkpoint to apply):
/// <c>Fit</c> checks the input schema and returns the transformer. Trainers, whose transformer exists only after
/// training, implement <see cref="IEstimator{TTransformer}"/> themselves.
/// </summary>
/// <typeparam name="TTransformer">The transformer <c>Fit</c> returns.</typeparam>
public sealed class RemBertScoringEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : RemBertScoringTransformer
{
    private readonly IHost _host;
    private readonly TTransformer _transformer;

    /// <summary>An estimator whose <c>Fit</c> returns <paramref name="transformer"/>.</summary>
    internal RemBertScoringEstimator(IHostEnvironment env, TTransformer transformer)
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
