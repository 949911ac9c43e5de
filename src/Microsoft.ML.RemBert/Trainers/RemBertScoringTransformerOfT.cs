using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A <see cref="RemBertScoringTransformer"/> whose task runs one fine-tuned transformers head model: the base of every
/// trainer's transformer, which exposes that model as <see cref="Model"/>.
/// </summary>
/// <typeparam name="TModel">The head model (transformers' RemBertFor… class) the task runs.</typeparam>
public abstract class RemBertScoringTransformer<TModel> : RemBertScoringTransformer
    where TModel : RemBertPreTrainedModel
{
    /// <summary>Builds a transformer around <paramref name="task"/>, which it then owns, and whose model must be a <typeparamref name="TModel"/>.</summary>
    /// <param name="env">The ML.NET environment.</param>
    /// <param name="registrationName">Name of this component in ML.NET's logs and errors.</param>
    /// <param name="task">What the model reads, runs and writes.</param>
    /// <param name="inferenceBatchSize">Rows per forward pass in <see cref="RemBertScoringTransformer.Transform"/>; at least 1.</param>
    /// <param name="versionInfo">The derived type's version info, from <see cref="RemBertScoringTransformer.CreateVersionInfo"/>.</param>
    private protected RemBertScoringTransformer(IHostEnvironment env, string registrationName, RemBertScoringTask task,
        int inferenceBatchSize, VersionInfo versionInfo)
        : base(env, registrationName, task, inferenceBatchSize, versionInfo)
    {
        if (task.ScoredModel is not TModel)
            throw Host.ExceptParam(nameof(task), $"{task.GetType().Name} runs {task.ScoredModel?.GetType().Name ?? "no model"}, not a {typeof(TModel).Name}.");
    }

    /// <summary>The fine-tuned model (for example to save it as a transformers checkpoint with <c>SavePretrained</c>).</summary>
    public TModel Model => (TModel)ScoringTask.ScoredModel!;
}
