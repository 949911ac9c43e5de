using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;

namespace DefaultModelGain;

/// <summary>
/// The random-weights side's start: a checkpoint directory with the start checkpoint's config.json, tokenizer files,
/// architecture, keys and dtype, and every weight drawn afresh (RemBERT's initialisation). The trainer starts from it
/// exactly as from the pretrained one (<see cref="Microsoft.ML.RemBert.Trainers.RemBertTrainerOptions.Model"/>), so
/// the weights both lack (the task head, and the pooler of a masked-LM checkpoint) are the same missing keys drawn from
/// the same seeded generator: for one seed both sides start with the same head and see the same batches, and differ
/// only in the body's weights. (The sample's own <c>--random-weights</c> builds the whole model from the seed instead,
/// so its head comes from another part of the generator's stream: not a paired comparison.)
/// </summary>
internal static class RandomStart
{
    // The body's generator is seeded away from the trainer's (which draws the head from the run's seed itself), so the
    // body's first values are not the head's.
    private const ulong BodySeedOffset = 1_000_003;

    /// <summary>Writes the random checkpoint shaped like <paramref name="start"/> into <paramref name="directory"/> (created).</summary>
    /// <exception cref="InvalidDataException">The start checkpoint lacks weights of its own architecture, or has base-model weights it drops.</exception>
    public static void Write(string start, string directory, int seed)
    {
        var loaded = RemBertCheckpoint.LoadWithReport<RemBertPreTrainedModel>(start);
        using var model = loaded.Model;
        // Keys the start lacks, or base-model keys its architecture drops (a pooler in a masked-LM file), would be in one
        // side's checkpoint and not the other's, and the trainer would draw a different set of new weights on each side:
        // the head would no longer be paired. Other dropped keys (a pretraining head) no task model loads: harmless.
        var report = loaded.Report;
        var dropped = report.UnexpectedKeys.Where(key => key.StartsWith(RemBertPreTrainedModel.BaseModelPrefix + ".", StringComparison.Ordinal)).ToList();
        if (report.MissingKeys.Count > 0 || dropped.Count > 0)
            throw new InvalidDataException(
                $"{start}: its weights do not match its architecture ({model.GetType().Name}): missing [{string.Join(", ", report.MissingKeys)}], " +
                $"not loaded [{string.Join(", ", dropped)}]; a random copy of it could not be paired with it.");
        using (var generator = new torch.Generator(unchecked((ulong)seed + BodySeedOffset)))
            model.InitializeWeights(generator);
        // Saved in the start's dtype, as the pretrained side's weights are stored (the trainer loads both into float32).
        if (model.Config.TorchDtype == "bfloat16") model.to(torch.ScalarType.BFloat16);
        else if (model.Config.TorchDtype == "float16") model.to(torch.ScalarType.Float16);
        Directory.CreateDirectory(directory);
        model.SavePretrained(directory);
        foreach (string file in Directory.GetFiles(start).Where(IsTokenizerFile))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
    }

    // Everything but the configuration and the weights: sentencepiece.model, tokenizer_config.json and the like.
    private static bool IsTokenizerFile(string path)
    {
        string name = Path.GetFileName(path);
        return name != CheckpointFileNames.Config && !CheckpointFileNames.WeightsFilesInPreferenceOrder.Contains(name)
            && !name.EndsWith(".safetensors", StringComparison.Ordinal) && !name.EndsWith(".bin", StringComparison.Ordinal);
    }
}
