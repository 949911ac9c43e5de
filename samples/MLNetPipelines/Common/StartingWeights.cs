using Microsoft.ML.RemBert;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;

namespace MLNetPipelines.Common;

/// <summary>Points a trainer's options at the weights a sample starts from.</summary>
public static class StartingWeights
{
    /// <summary>
    /// Sets <see cref="RemBertTrainerOptions.Model"/> to <paramref name="model"/> (the embedded default model when null);
    /// with <paramref name="randomWeights"/>, sets <see cref="RemBertTrainerOptions.Config"/> and
    /// <see cref="RemBertTrainerOptions.Tokenizer"/> instead, so training starts from random weights of the same shape
    /// and with the same tokenizer.
    /// </summary>
    public static T Apply<T>(T options, string? model, bool randomWeights) where T : RemBertTrainerOptions
    {
        string source = model ?? DefaultModelDirectory();
        if (!randomWeights)
        {
            options.Model = source;
            return options;
        }
        string directory = RemBertModelSource.Resolve(source);
        options.Config = RemBertConfig.Load(Path.Combine(directory, "config.json"));
        options.Tokenizer = directory;
        return options;
    }

    /// <summary>What the run starts from, for the first line a sample prints.</summary>
    public static string Describe(string? model, bool randomWeights) =>
        (randomWeights ? "random weights shaped like " : "") + (model ?? $"the embedded default model ({DefaultModelDirectory()})");

    /// <summary>
    /// <see cref="RemBertDefaultModel.Directory"/>; a build without the default model's weights is a
    /// <see cref="FileNotFoundException"/> that says so and how to run the sample anyway.
    /// </summary>
    public static string DefaultModelDirectory()
    {
        try
        {
            return RemBertDefaultModel.Directory;
        }
        catch (InvalidOperationException ex)
        {
            throw new FileNotFoundException($"{ex.Message} (In this sample: --model DIR|HUB_ID.)", ex);
        }
    }
}
