using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>The transformers of a saved pipeline, as <c>train</c> saves it (a <see cref="TransformerChain{T}"/>), and scoring part of it.</summary>
internal static class ModelChain
{
    /// <summary>The chain's transformers in order (nested chains flattened); a lone transformer is a chain of one.</summary>
    public static IEnumerable<ITransformer> Flatten(ITransformer model)
    {
        if (model is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
                foreach (var transformer in Flatten(inner))
                    yield return transformer;
        }
        else yield return model;
    }

    /// <summary>
    /// <paramref name="data"/> through the chain up to and including the first transformer <paramref name="isLast"/> accepts:
    /// evaluators need the trainer's own outputs (key-typed predictions), before a trailing <c>MapKeyToValue</c>.
    /// </summary>
    public static IDataView TransformThrough(ITransformer model, IDataView data, Func<ITransformer, bool> isLast)
    {
        foreach (var transformer in Flatten(model))
        {
            data = transformer.Transform(data);
            if (isLast(transformer)) return data;
        }
        throw new InvalidOperationException("The model has no trained RemBERT transformer.");
    }
}
