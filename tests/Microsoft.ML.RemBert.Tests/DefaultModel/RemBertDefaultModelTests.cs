using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.DefaultModel;

/// <summary>The embedded default model extracts once, safely under races, and is a pretrained checkpoint that has learned.</summary>
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
        Assert.True(model.Config.InputEmbeddingSize < model.Config.HiddenSize && model.Config.HiddenSize < model.Config.OutputEmbeddingSize,
            "RemBERT's decoupled embeddings: a small input embedding, a larger output embedding");
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

    [Fact]
    public void ItPredictsMaskedWordsBetterThanChance()
    {
        // Sentences in the UDHR's style (written for this test, not copied) in five languages and three scripts.
        string[] sentences =
        [
            "Everyone has the right to life, liberty and security of person.",
            "Toute personne a droit à la liberté de pensée et de religion.",
            "Jeder Mensch hat das Recht auf Bildung und auf Arbeit.",
            "Каждый человек имеет право на свободу и на образование.",
            "كل إنسان له الحق في الحياة والحرية.",
        ];
        using var model = RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(RemBertDefaultModel.Directory);
        using var random = new RemBertForMaskedLM(model.Config);
        random.eval();
        var tokenizer = RemBertTokenizer.FromPretrained(RemBertDefaultModel.Directory);
        double trained = MeanMaskedLoss(model, tokenizer, sentences);
        double untrained = MeanMaskedLoss(random, tokenizer, sentences);
        double chance = Math.Log(tokenizer.SentencePiece.VocabularySize);
        // The briefly trained model sits near the corpus's unigram statistics (README): clearly below chance and below
        // random weights of the same shape, without claiming more.
        Assert.True(trained < chance - 0.5 && trained < untrained - 0.5,
            $"mean masked-token loss {trained:F2}; random weights {untrained:F2}; chance {chance:F2}");
    }

    // Masks every third piece in turn, as pretraining did, and averages the loss of predicting the original piece.
    private static double MeanMaskedLoss(RemBertForMaskedLM model, RemBertTokenizer tokenizer, string[] sentences)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double totalLoss = 0;
        int scored = 0;
        foreach (var sentence in sentences)
        {
            var ids = tokenizer.Encode(sentence).InputIds;
            for (int position = 1; position < ids.Length - 1; position += 3)
            {
                var input = ids.Select(i => (long)i).ToArray();
                input[position] = tokenizer.MaskTokenId;
                var labels = Enumerable.Repeat(-100L, ids.Length).ToArray();
                labels[position] = ids[position];
                totalLoss += model.forward(tensor(input).unsqueeze(0), labels: tensor(labels).unsqueeze(0)).Loss!.item<float>();
                scored++;
            }
        }
        return totalLoss / scored;
    }
}
