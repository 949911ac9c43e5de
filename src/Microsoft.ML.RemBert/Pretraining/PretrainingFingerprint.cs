using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// What a pretraining run's weights depend on, by name, as text (<see cref="TrainingFingerprint"/>'s form): the
/// objective, the model's config, the tokenizer, the corpus as the model sees it (its blocks of token ids, hashed in
/// order) and every option of the recipe, the schedule's length included. A checkpoint stores it and a resume under
/// another is refused naming each difference. What does not change the weights may change between sittings: the
/// device, the time limit, progress, and the checkpoint options themselves.
/// </summary>
internal static class PretrainingFingerprint
{
    public static Dictionary<string, string> Of(RemBertTokenizer tokenizer, RemBertConfig config, PretrainingCorpus corpus, RemBertPretrainingOptions options,
        string? initialWeights = null)
    {
        var fingerprint = Recipe(tokenizer, config, corpus, options);
        // Only when there are starting weights: checkpoints of runs from fresh weights, written before the key existed, still resume.
        if (initialWeights is not null) fingerprint["InitialModel"] = initialWeights;
        return fingerprint;
    }

    private static Dictionary<string, string> Recipe(RemBertTokenizer tokenizer, RemBertConfig config, PretrainingCorpus corpus, RemBertPretrainingOptions options) => new()
    {
        ["Objective"] = options.Objective.ToString(),
        ["Config"] = $"sha256 {TrainingFingerprint.Hash(config.ToJson())}",
        ["Tokenizer"] = $"{tokenizer.SentencePiece.VocabularySize} pieces (sha256 {Hash(tokenizer.SentencePiece.ModelBytes.Span)}; options sha256 {TrainingFingerprint.Hash(tokenizer.Options.ToString())})",
        ["Corpus"] = $"{TrainingFingerprint.Text(corpus.Blocks.Count)} blocks, {corpus.Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)} tokens (ids sha256 {Hash(corpus.Blocks)})",
        ["Seed"] = TrainingFingerprint.Text(options.Seed),
        ["BatchSize"] = TrainingFingerprint.Text(options.BatchSize),
        ["MaxLength"] = TrainingFingerprint.Text(options.MaxLength),
        ["Epochs"] = TrainingFingerprint.Text(options.Epochs),
        ["MaxSteps"] = options.MaxSteps is { } steps ? TrainingFingerprint.Text(steps) : "(none)",
        ["TotalSteps"] = TrainingFingerprint.Text(PretrainingLoop.TotalSteps(corpus.Blocks.Count, options)),
        ["LearningRate"] = TrainingFingerprint.Text(options.LearningRate),
        ["WarmupRatio"] = TrainingFingerprint.Text(options.WarmupRatio),
        ["WeightDecay"] = TrainingFingerprint.Text(options.WeightDecay),
        ["MaxGradNorm"] = TrainingFingerprint.Text(options.MaxGradNorm),
        ["MaskProbability"] = TrainingFingerprint.Text(options.MaskProbability),
        ["GeneratorSizeFraction"] = TrainingFingerprint.Text(options.GeneratorSizeFraction),
        ["DiscriminatorLossWeight"] = TrainingFingerprint.Text(options.DiscriminatorLossWeight),
    };

    /// <summary>The fingerprint of starting weights: a SHA-256 over the weights files of the checkpoint <paramref name="directory"/>, streamed.</summary>
    public static string InitialWeights(string directory)
    {
        using var reader = CheckpointReader.Open(directory);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in reader.Files)
        {
            using var stream = File.OpenRead(file);
            for (int read; (read = stream.Read(buffer)) > 0;) hash.AppendData(buffer, 0, read);
        }
        return $"weights sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())[..16]}";
    }

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    // Every block's length and ids in order, without a copy of the corpus.
    private static string Hash(IReadOnlyList<int[]> blocks)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var block in blocks)
        {
            hash.AppendData(BitConverter.GetBytes(block.Length));
            hash.AppendData(MemoryMarshal.AsBytes(block.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
