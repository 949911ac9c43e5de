using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>
/// <c>--objective translation-ranking</c> and <c>--init-from</c>: the [CLS] state learns to find a text's translation,
/// a run starts from a checkpoint's shape and weights, and bad aligned files and mismatched models are refused by name.
/// </summary>
public class TranslationRankingTests
{
    private static readonly string[] Fillers = ["please", "now", "today", "bitte", "jetzt", "ahora", "heute", "maintenant"];

    [Fact]
    public void RankingTeachesTheClsStateToFindATextsTranslation()
    {
        using var work = new TemporaryDirectory();
        string corpus = WriteGroups(work.File("aligned.tsv"));
        var tokenizer = TinyPretraining.Tokenizer();
        var options = TinyPretraining.Options(PretrainingObjective.TranslationRanking) with { Epochs = 20, BatchSize = 12, LearningRate = 1e-3 };
        using var result = RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config() with { NumHiddenLayers = 2 }, options);
        double first = result.Losses.Take(5).Average(), last = result.Losses.TakeLast(5).Average();
        Assert.True(last < 0.8 * first, $"loss went from {first:F3} (first 5 steps) to {last:F3} (last 5)");
        Assert.IsType<RemBertForMaskedLM>(result.Model);

        // English text -> nearest Spanish text by cosine of the [CLS] states. A shared filler alone finds the right one
        // among the 3 intents' texts of that filler at best 1 time in 3; the intent's keyword must be aligned too.
        double found = NearestIsTranslation(result.Model, tokenizer, language: 0, other: 2);
        Assert.True(found >= 0.6, $"the nearest Spanish text was the translation for only {found:P0} of the English texts (chance {1.0 / Groups().Count:P0})");
        // Fresh weights already find many translations through the pieces the languages share (the fillers): seeded
        // initialisations 1 to 10 give 46 % to 83 % (mean 62 %; 38 % to 88 % over 20). One unseeded draw made this
        // comparison fail about one run in ten, so the ranking is compared with all ten: above each, and 0.2 above their mean.
        var fromFresh = Enumerable.Range(1, 10).Select(seed =>
        {
            using var fresh = (RemBertForMaskedLM)RemBertModelFactory.Create(result.Model.Config, nameof(RemBertForMaskedLM), initializeWeights: false);
            using var generator = new Generator((ulong)seed);
            fresh.InitializeWeights(generator);
            return NearestIsTranslation(fresh, tokenizer, 0, 2);
        }).ToList();
        Assert.True(found > fromFresh.Max() && found > fromFresh.Average() + 0.2,
            $"ranking found {found:P0}; fresh weights, seeds 1 to 10: {string.Join(", ", fromFresh.Select(value => value.ToString("P0")))}");
    }

    [Fact]
    public void InitFromStartsFromTheCheckpointsShapeAndWeights()
    {
        using var work = new TemporaryDirectory();
        var tokenizer = TinyPretraining.Tokenizer();
        string corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        SaveStartingModel(tokenizer, corpus, work.File("start"), steps: 5);
        using var saved = RemBertCheckpointLoad(work.File("start"));

        // Another shape is passed in: the checkpoint's wins. A learning rate of ~0 leaves the weights where they started.
        var otherShape = TinyPretraining.Config() with { HiddenSize = 16, IntermediateSize = 32 };
        var options = TinyPretraining.Options() with { InitialModel = work.File("start"), MaxSteps = 1, LearningRate = 1e-30, WeightDecay = 0 };
        using var continued = RemBertPretrainer.Pretrain(tokenizer, corpus, otherShape, options);
        Assert.Equal(TinyPretraining.Config().HiddenSize, continued.Model.Config.HiddenSize);
        var savedState = saved.state_dict();
        foreach (var (name, value) in continued.Model.state_dict())
            Assert.True(value.allclose(savedState[name], rtol: 0, atol: 1e-6), $"{name} did not start from the checkpoint");

        // Starting from fresh weights instead (the same seed), the weights are not the checkpoint's.
        using var fromScratch = RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config(), options with { InitialModel = null });
        Assert.Contains(fromScratch.Model.state_dict(), pair => !pair.Value.allclose(savedState[pair.Key], rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void InitFromWithAnotherVocabularyIsRefusedNamingBoth()
    {
        using var work = new TemporaryDirectory();
        var tokenizer = TinyPretraining.Tokenizer();
        string corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        SaveStartingModel(tokenizer, corpus, work.File("start"), steps: 1);
        var config = RemBertConfig.Load(Path.Combine(work.File("start"), "config.json"));
        File.WriteAllText(Path.Combine(work.File("start"), "config.json"), (config with { VocabSize = config.VocabSize + 1 }).ToJson());

        var error = Assert.Throws<ArgumentException>(() => RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config(),
            TinyPretraining.Options() with { InitialModel = work.File("start"), MaxSteps = 1 }));
        Assert.Contains($"vocab_size is {config.VocabSize + 1}", error.Message);
        Assert.Contains($"{tokenizer.SentencePiece.VocabularySize} pieces", error.Message);
    }

    [Theory]
    [InlineData("weather please\tmétéo please\nmusic now\n", 2, "holds one text")]
    [InlineData("weather please\tmétéo please\nmusic now\t\tmúsica ahora\n", 2, "text 2 of 3")]
    public void ABadAlignedLineIsNamedByFileAndLine(string content, int line, string expected)
    {
        using var work = new TemporaryDirectory();
        string path = work.File("aligned.tsv");
        File.WriteAllText(path, content);
        var error = Assert.Throws<InvalidDataException>(() =>
            PretrainingCorpus.ReadAligned(path, TinyPretraining.Tokenizer(), 24, CancellationToken.None));
        Assert.Contains($"{path}:{line}:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AGroupPairsEachTextWithTheNextAndTheLastWithTheFirst()
    {
        using var work = new TemporaryDirectory();
        string path = work.File("aligned.tsv");
        File.WriteAllText(path, "weather\tmétéo\ttiempo\n\nmusic\tmusique\n");
        var tokenizer = TinyPretraining.Tokenizer();
        var corpus = PretrainingCorpus.ReadAligned(path, tokenizer, 24, CancellationToken.None);
        Assert.Equal(2, corpus.Lines);
        string[] Texts(int[] block)
        {
            var (first, second) = PretrainingCorpus.SplitPair(block, tokenizer.ClsTokenId);
            return [tokenizer.Decode(first.ToArray(), skipSpecialTokens: true), tokenizer.Decode(second.ToArray(), skipSpecialTokens: true)];
        }
        Assert.Equal(
            [["weather", "météo"], ["météo", "tiempo"], ["tiempo", "weather"], ["music", "musique"]],
            corpus.Blocks.Select(Texts).ToArray());
    }

    /// <summary>Pretrains the tiny model for <paramref name="steps"/> masked-LM steps and saves it to <paramref name="directory"/>: a start for <c>InitialModel</c>.</summary>
    private static void SaveStartingModel(RemBertTokenizer tokenizer, string corpus, string directory, int steps)
    {
        using var pretrained = RemBertPretrainer.Pretrain(tokenizer, corpus, TinyPretraining.Config(), TinyPretraining.Options() with { MaxSteps = steps });
        RemBertPretrainer.SaveCheckpoint(pretrained.Model, tokenizer, directory);
    }

    /// <summary>One group per intent and filler: the intent's keyword in six languages, each followed by the filler.</summary>
    private static List<string[]> Groups() =>
        KeywordData.Intents.SelectMany(intent => Fillers.Select(filler => intent.Keywords.Select(keyword => $"{keyword} {filler}").ToArray())).ToList();

    private static string WriteGroups(string path)
    {
        File.WriteAllLines(path, Groups().Select(group => string.Join('\t', group)));
        return path;
    }

    private static double NearestIsTranslation(RemBertLanguageModel model, RemBertTokenizer tokenizer, int language, int other)
    {
        var groups = Groups();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        Tensor Cls(IEnumerable<string> texts)
        {
            var encoded = texts.Select(text => tokenizer.Encode(text).InputIds).ToList();
            int length = encoded.Max(ids => ids.Length);
            var ids = tensor(encoded.SelectMany(row => row.Select(id => (long)id).Concat(Enumerable.Repeat((long)tokenizer.PadTokenId, length - row.Length))).ToArray(),
                new long[] { encoded.Count, length });
            var mask = tensor(encoded.SelectMany(row => Enumerable.Repeat(1L, row.Length).Concat(Enumerable.Repeat(0L, length - row.Length))).ToArray(),
                new long[] { encoded.Count, length });
            return nn.functional.normalize(model.BaseModel.forward(ids, mask).LastHiddenState.select(1, 0), p: 2.0, dim: -1);
        }
        var similarity = Cls(groups.Select(g => g[language])).matmul(Cls(groups.Select(g => g[other])).t());
        return similarity.argmax(1).eq(arange(groups.Count)).to_type(ScalarType.Float32).mean().item<float>();
    }

    private static RemBertForMaskedLM RemBertCheckpointLoad(string directory) =>
        Microsoft.ML.RemBert.Checkpoints.RemBertCheckpoint.FromPretrained<RemBertForMaskedLM>(directory);
}
