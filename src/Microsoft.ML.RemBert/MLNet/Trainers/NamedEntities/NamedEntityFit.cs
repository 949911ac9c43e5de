using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>
/// Named-entity recognition's part of <c>Fit</c>: rows read into word windows with first-piece tags, the tag set as
/// the config's labels, token cross entropy (validation: entity F1), and the transformer that tags every word.
/// </summary>
internal sealed class NamedEntityFit(RemBertNamedEntityRecognitionOptions options, WordSource words, WordWindows windows, TagSet tags, IHostEnvironment env)
    : TaskFit<NamedEntityExample, RemBertForTokenClassification, RemBertNamedEntityRecognitionTransformer>
{
    private protected override IReadOnlyList<NamedEntityExample> ReadTraining(IDataView data, string dataName, CancellationToken cancellationToken)
        => NamedEntityExample.ReadAll(data, words, windows, tags, options.LabelColumnName, dataName, cancellationToken);

    private protected override string Describe(IReadOnlyList<NamedEntityExample> training, IReadOnlyList<NamedEntityExample>? validation)
        => $"{training.Count} training windows{(validation is null ? "" : $", {validation.Count} validation windows")}, {tags.Count} tags";

    private protected override RemBertConfig Configure(RemBertConfig config) => config.WithLabels(tags.Names);

    private protected override ITrainingTask<NamedEntityExample> CreateTrainingTask(long padTokenId) => new NamedEntityTrainingTask(tags, padTokenId);

    private protected override RemBertNamedEntityRecognitionTransformer CreateTransformer(RemBertForTokenClassification model, int inferenceBatchSize)
        => new(env, new NamedEntityScoringTask(words, windows, tags, options.PredictedLabelColumnName, options.ScoreColumnName, model), inferenceBatchSize);
}
