using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert demo [--model DIR]</c>: the whole path on one screen. Multilingual sentences go through an ML.NET
/// pipeline with the RemBERT tokenizer (saved to a zip and loaded back, as production would), then through a RemBERT
/// encoder in one padded batch; the checkpoint is saved and reloaded and must give identical outputs. Without
/// --model it runs offline on an embedded SentencePiece model and a small randomly initialised RemBERT.
/// </summary>
public static class DemoCommand
{
    private const string EmbeddedTokenizerResource = "demo-sentencepiece.model";
    private const int MaxSequenceLength = 64;
    private const int PiecesShown = 8;
    private const int Seed = 20201124;

    /// <summary>A small RemBERT with the embedded tokenizer's 8,000-piece vocabulary and decoupled embeddings like the real one.</summary>
    private static readonly RemBertConfig SmallConfig = RemBertConfig.GoogleRemBert() with
    {
        VocabSize = 8000, HiddenSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 4, InputEmbeddingSize = 32,
        OutputEmbeddingSize = 64, IntermediateSize = 192, MaxPositionEmbeddings = 128, BosTokenId = 3, EosTokenId = 4,
    };

    private static readonly DemoRow[] Sentences =
    [
        new("The weather is lovely today."),
        new("Il fait très beau aujourd'hui."),
        new("Heute ist das Wetter herrlich."),
        new("今日はとても良い天気です。"),
        new("Сегодня прекрасная погода."),
        new("¿Dónde está la estación de tren?"),
        new("الطقس جميل اليوم."),
        new("आज मौसम बहुत अच्छा है।"),
    ];

    /// <summary>Builds the command.</summary>
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var model = new System.CommandLine.Option<DirectoryInfo?>("--model")
        {
            Description = "A Hugging Face RemBERT checkpoint directory (e.g. a downloaded google/rembert). Default: embedded small model.",
        };
        var command = new System.CommandLine.Command("demo", "Tokenize multilingual text through ML.NET and encode it with RemBERT.") { model };
        command.SetAction(parse => CliErrors.Run("demo", parse.InvocationConfiguration.Error, interruption,
            () => Run(parse.GetValue(model)?.FullName, parse.InvocationConfiguration.Output)));
        return command;
    }

    /// <summary>Runs the demo, writing its report to <paramref name="output"/>.</summary>
    public static void Run(string? modelDirectory, TextWriter output)
    {
        var tokenizer = modelDirectory is null ? EmbeddedTokenizer() : RemBertTokenizer.FromPretrained(modelDirectory);
        output.WriteLine(modelDirectory is null
            ? $"Tokenizer: embedded SentencePiece model ({tokenizer.SentencePiece.VocabularySize} pieces)."
            : $"Tokenizer: {modelDirectory} ({tokenizer.SentencePiece.VocabularySize} pieces).");

        var work = Directory.CreateTempSubdirectory("rembert-demo-");
        try
        {
            var (ids, mask) = TokenizeThroughMLNet(tokenizer, Path.Combine(work.FullName, "tokenizer.zip"), output);
            using var model = modelDirectory is null ? SmallRandomModel(output) : LoadEncoder(modelDirectory, output);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var embeddings = Encode(model, ids, mask);
            PrintSimilarities(embeddings, output);

            var saved = Path.Combine(work.FullName, "checkpoint");
            model.SavePretrained(saved);
            using var reloaded = RemBertCheckpoint.FromPretrained<RemBertModel>(saved);
            var difference = (Encode(reloaded, ids, mask) - embeddings).abs().max().item<float>();
            output.WriteLine($"Saved to model.safetensors + config.json and reloaded: max |difference| = {difference}.");
            if (difference != 0) throw new InvalidDataException($"Reloaded checkpoint in {saved} gives different outputs (max |difference| {difference}).");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static RemBertTokenizer EmbeddedTokenizer()
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream(EmbeddedTokenizerResource)
            ?? throw new InvalidDataException($"The embedded resource '{EmbeddedTokenizerResource}' is missing from {typeof(DemoCommand).Assembly.Location}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return RemBertTokenizer.FromSentencePiece(SentencePieceProcessor.FromBytes(buffer.ToArray(), EmbeddedTokenizerResource));
    }

    /// <summary>Fits the tokenizer transform, saves it to a zip, loads it back and tokenizes with the loaded copy.</summary>
    private static (long[][] Ids, long[][] Mask) TokenizeThroughMLNet(RemBertTokenizer tokenizer, string zipPath, TextWriter output)
    {
        var ml = new MLContext(Seed);
        var data = ml.Data.LoadFromEnumerable(Sentences);
        var fitted = ml.Transforms.Text.TokenizeForRemBert(tokenizer, new RemBertTokenizingOptions
        {
            InputColumnName = nameof(DemoRow.Text),
            MaxSequenceLength = MaxSequenceLength,
        }).Fit(data);
        ml.Model.Save(fitted, data.Schema, zipPath);
        var loaded = ml.Model.Load(zipPath, out _);
        output.WriteLine($"ML.NET: tokenizer transform saved to a {new FileInfo(zipPath).Length:N0}-byte zip and loaded back.");

        var rows = ml.Data.CreateEnumerable<TokenizedRow>(loaded.Transform(data), reuseRowObject: false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var length = (int)rows[i].AttentionMask.Sum();
            var pieces = rows[i].InputIds.Take(Math.Min(length, PiecesShown)).Select(id => tokenizer.SentencePiece.IdToPiece((int)id));
            output.WriteLine($"  {Sentences[i].Text,-36} {length,3} tokens: {string.Join(' ', pieces)}{(length > PiecesShown ? " …" : "")}");
        }
        return (rows.Select(r => r.InputIds).ToArray(), rows.Select(r => r.AttentionMask).ToArray());
    }

    private static RemBertModel SmallRandomModel(TextWriter output)
    {
        var model = new RemBertModel(SmallConfig);
        model.InitializeWeights(new Generator(Seed));
        model.eval();
        output.WriteLine($"Model: small RemBERT with random weights ({model.CountParameters():N0} parameters); pass --model DIR for real weights.");
        return model;
    }

    private static RemBertModel LoadEncoder(string directory, TextWriter output)
    {
        var model = RemBertCheckpoint.FromPretrained<RemBertModel>(directory, CPU, new CheckpointLoadOptions { Log = output.WriteLine });
        output.WriteLine($"Model: {directory} ({model.CountParameters():N0} parameters).");
        return model;
    }

    /// <summary>Mean of the last hidden states over real tokens: one vector per sentence, in one padded batch.</summary>
    private static Tensor Encode(RemBertModel model, long[][] ids, long[][] mask)
    {
        long longest = mask.Max(m => m.Sum());
        var idTensor = tensor(ids.SelectMany(r => r.Take((int)longest)).ToArray(), [ids.Length, longest]);
        var maskTensor = tensor(mask.SelectMany(r => r.Take((int)longest)).ToArray(), [mask.Length, longest]);
        using var outputs = model.forward(idTensor, maskTensor);
        var weights = maskTensor.unsqueeze(-1).to(ScalarType.Float32);
        return (outputs.LastHiddenState * weights).sum(1) / weights.sum(1);
    }

    private static void PrintSimilarities(Tensor embeddings, TextWriter output)
    {
        var unit = nn.functional.normalize(embeddings, dim: 1);
        var cosine = unit.matmul(unit.T).data<float>().ToArray();
        int n = (int)embeddings.shape[0];
        output.WriteLine($"Cosine similarity of mean-pooled sentence vectors ({embeddings.shape[1]} dimensions):");
        for (int i = 0; i < n; i++)
            output.WriteLine("  " + string.Join(' ', Enumerable.Range(0, n).Select(j => cosine[i * n + j].ToString("0.00").PadLeft(5))));
    }

    private sealed record DemoRow(string Text);

    private sealed class TokenizedRow
    {
        public long[] InputIds { get; set; } = [];
        public long[] AttentionMask { get; set; } = [];
    }
}
