using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.DefaultModel;

/// <summary>The embedded default model extracts once, safely under races, and is a checkpoint whose word vectors have learned.</summary>
public class RemBertDefaultModelTests
{
    [Fact]
    public void AnAssemblyWithoutTheWeightsSaysTheyAreMissing()
    {
        var e = Assert.Throws<InvalidOperationException>(() => DefaultModelResources.Load(typeof(RemBertDefaultModelTests).Assembly));
        Assert.Contains("default model is missing", e.Message);
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("models/default/build.sh", e.Message);
    }

    [Fact]
    public void TheDirectoryHoldsALoadableCheckpoint()
    {
        string directory = RemBertDefaultModel.Directory;
        Assert.Equal(directory, RemBertDefaultModel.Directory);
        Assert.StartsWith(RemBertDefaultModel.CacheRoot, directory);
        Assert.Equal(directory, ModelArgument.Resolve("default"));
        Assert.Equal("./default", ModelArgument.Resolve("./default"));
        foreach (var file in DefaultModelResources.RequiredFiles)
            Assert.True(File.Exists(Path.Combine(directory, file)), $"{file} missing from {directory}");
        using var model = RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(directory);
        Assert.True(model.Config.InputEmbeddingSize < model.Config.HiddenSize,
            "RemBERT's decoupled embeddings: an input embedding smaller than the hidden size, projected up");
        var tokenizer = RemBertTokenizer.FromPretrained(directory);
        Assert.Equal(model.Config.VocabSize, tokenizer.SentencePiece.VocabularySize);
    }

    [Fact]
    public void ConcurrentExtractionsAgreeAndLeaveNoStaging()
    {
        using var root = new TemporaryDirectory();
        var resources = DefaultModelResources.Load(typeof(RemBertDefaultModel).Assembly);
        var paths = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => DefaultModelCache.Materialize(resources, root.Path)).ToList();
        Assert.Single(paths.Distinct());
        Assert.Equal([paths[0]], Directory.GetDirectories(root.Path));
        Assert.Equal(resources.FileNames.Count, Directory.GetFiles(paths[0]).Length);
        Assert.StartsWith(resources.ContentHash[..16], Path.GetFileName(paths[0]));
    }

    // Translations and near-synonyms that are each one piece of the default's 32,000-piece vocabulary.
    private static readonly (string Word, string Neighbour)[] Pairs =
    [
        ("music", "musique"), ("music", "música"), ("music", "Musik"), ("music", "музык"),
        ("weather", "météo"), ("rain", "weather"), ("alarm", "Alarm"), ("sun", "soleil"),
    ];

    /// <summary>Of the 32,000 pieces, the neighbour must be among the word's nearest few; random vectors put it anywhere.</summary>
    private const int NearestFew = 20;

    [Fact]
    public void ItsWordVectorsPutTranslationsAmongTheNearestNeighbours()
    {
        // What the default knows (docs/default-model.md): static word-piece vectors that share contexts across
        // translations. Measured: ranks 2 to 9 of 32,000 for these pairs.
        var tokenizer = RemBertTokenizer.FromPretrained(RemBertDefaultModel.Directory);
        using var model = RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(RemBertDefaultModel.Directory);
        using var random = new RemBertForMaskedLM(model.Config);
        var trained = Ranks(model, tokenizer);
        var untrained = Ranks(random, tokenizer);
        Assert.All(Pairs.Zip(trained), pair => Assert.True(pair.Second < NearestFew,
            $"'{pair.First.Neighbour}' is the {pair.Second}th nearest piece to '{pair.First.Word}' (expected under {NearestFew}); all: {string.Join(", ", trained)}"));
        Assert.True(untrained.Average() > 1000, $"random vectors already rank the pairs near: {string.Join(", ", untrained)}");
    }

    // The rank of each pair's neighbour among all pieces by cosine similarity to its word (0: the nearest).
    private static int[] Ranks(RemBertForMaskedLM model, RemBertTokenizer tokenizer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeddings = model.named_parameters().Single(p => p.name.EndsWith("word_embeddings.weight", StringComparison.Ordinal)).parameter;
        var unit = nn.functional.normalize(embeddings.to(ScalarType.Float32), dim: 1);
        return Pairs.Select(pair =>
        {
            int word = Piece(tokenizer, pair.Word), neighbour = Piece(tokenizer, pair.Neighbour);
            var similarities = unit.matmul(unit[word]);
            return (int)similarities.gt(similarities[neighbour]).sum().item<long>();
        }).ToArray();
    }

    private static int Piece(RemBertTokenizer tokenizer, string word)
    {
        int id = tokenizer.SentencePiece.PieceToId("\u2581" + word);
        Assert.False(tokenizer.SentencePiece.IsUnknown(id), $"'{word}' is not one piece of the default's vocabulary");
        return id;
    }
}
