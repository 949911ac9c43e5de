namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>Every task the CLI trains, evaluates and predicts: adding a task is one entry here.</summary>
internal static class TaskTable
{
    public static readonly IReadOnlyList<CliTask> All =
    [
        new TextClassificationTask(),
        new BinaryClassificationTask(),
        new RegressionTask(),
        new MultiLabelTask(),
        new NamedEntityTask(),
        new QuestionAnsweringTask(),
        new MultipleChoiceTask(),
    ];

    public static IEnumerable<string> Names => All.Select(task => task.Name);

    public static CliTask Named(string name) => All.Single(task => task.Name == name);

    /// <summary>The task whose trained transformer is in <paramref name="model"/>'s chain, or null.</summary>
    public static CliTask? TryOf(ITransformer model)
    {
        var transformers = ModelChain.Flatten(model).ToList();
        return All.FirstOrDefault(task => transformers.Any(task.IsTrainedTransformer));
    }

    /// <summary>The task whose trained transformer is in <paramref name="model"/>'s chain.</summary>
    /// <exception cref="InvalidDataException">No task's transformer is there (not a model <c>rembert train</c> made).</exception>
    public static CliTask Of(ITransformer model, string path)
    {
        return TryOf(model)
            ?? throw new InvalidDataException($"{path}: the model holds no RemBERT task transformer ({string.Join(", ", ModelChain.Flatten(model).Select(t => t.GetType().Name))}); " +
                $"evaluate takes a model that 'rembert train' or a RemBERT trainer made.");
    }
}
