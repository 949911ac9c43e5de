using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Pretraining;

/// <summary>Bad corpora and tokenizers are refused by file and line, and a stopped run writes nothing.</summary>
[Collection(ConsoleRedirection.Name)]
public class PretrainingBadInputTests
{
    [Fact]
    public void InvalidUtf8NamesTheFileAndLine()
    {
        using var work = new TemporaryDirectory();
        var corpus = work.File("corpus.txt");
        File.WriteAllBytes(corpus, [.. "weather today\nmusic now\n"u8, .. "caf"u8, 0xE9, .. " ok\n"u8]);
        var e = Assert.Throws<InvalidDataException>(() => Pretrain(corpus));
        // The rule of every data file (issue 20): the line, the byte within it and its offset in the file.
        Assert.Equal($"{corpus}: line 3, byte 4 (offset 27 in the file) is not valid UTF-8; every data file must be UTF-8 text.", e.Message);
    }

    [Fact]
    public void ANulByteNamesTheFileAndLine()
    {
        using var work = new TemporaryDirectory();
        var corpus = work.File("corpus.txt");
        File.WriteAllBytes(corpus, [.. "weather today\n"u8, .. "mu"u8, 0, .. "sic\n"u8]);
        var e = Assert.Throws<InvalidDataException>(() => Pretrain(corpus));
        Assert.Contains($"{corpus}:2:", e.Message);
    }

    [Fact]
    public void ABlankCorpusIsRefusedByName()
    {
        using var work = new TemporaryDirectory();
        var corpus = work.File("corpus.txt");
        File.WriteAllText(corpus, "\n  \n\t\n");
        var e = Assert.Throws<InvalidDataException>(() => Pretrain(corpus));
        Assert.Contains(corpus, e.Message);
        Assert.Contains("no text", e.Message);
    }

    [Fact]
    public void ABadOptionIsNamed()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pretrain(corpus, TinyPretraining.Options() with { MaxLength = 100 }));
        Assert.Contains("max_position_embeddings 64", e.Message);
    }

    [Fact]
    public void CancellingMidTrainingThrowsAndCancellingTheSaveLeavesNoDirectory()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        using var cancel = new CancellationTokenSource();
        var options = TinyPretraining.Options() with
        {
            CancellationToken = cancel.Token,
            Progress = new SynchronousProgress(report => { if (report.Step == 2) cancel.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Pretrain(corpus, options));

        using var result = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), TinyPretraining.Options() with { MaxSteps = 1 });
        var output = work.File("checkpoint");
        Assert.ThrowsAny<OperationCanceledException>(() =>
            RemBertPretrainer.SaveCheckpoint(result.Model, TinyPretraining.Tokenizer(), output, cancellationToken: cancel.Token));
        Assert.False(Directory.Exists(output));
        Assert.Equal([work.File("corpus.txt")], Directory.GetFileSystemEntries(work.Path));
    }

    [Fact]
    public void ACliRunWritesALoadableCheckpointAndReplacesAnOldOne()
    {
        using var work = new TemporaryDirectory();
        var corpus = TinyPretraining.WriteCorpus(work.File("corpus.txt"));
        var output = work.File("model");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "stale.txt"), "from an earlier run");
        var (code, error) = ConsoleRedirection.RunMain(["pretrain", "--tokenizer", KeywordData.TinyTokenizerPath, "--corpus", corpus, "--output", output,
            "--objective", "clm", "--hidden-size", "32", "--num-layers", "1", "--num-heads", "2", "--intermediate-size", "64",
            "--input-embedding-size", "16", "--output-embedding-size", "24", "--max-position-embeddings", "64", "--max-length", "24",
            "--batch-size", "8", "--max-steps", "3", "--seed", "3"]);
        Assert.True(code == ExitCodes.Success, error);
        Assert.False(File.Exists(Path.Combine(output, "stale.txt")), "the old directory is replaced as a whole");
        using var model = RemBertCheckpoint.FromPretrained<RemBertForCausalLM>(output);
        Assert.True(model.Config.IsDecoder);
    }

    [Fact]
    public void CliBadInputsExitWith1NamingTheFile()
    {
        using var work = new TemporaryDirectory();
        var corpus = work.File("corpus.txt");
        File.WriteAllBytes(corpus, [.. "ok\n"u8, 0xFF, .. "\n"u8]);
        var garbage = work.File("garbage.model");
        File.WriteAllText(garbage, "this is not a SentencePiece model");
        var output = work.File("out");

        var (code, error) = ConsoleRedirection.RunMain(["pretrain", "--tokenizer", KeywordData.TinyTokenizerPath, "--corpus", corpus, "--output", output]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"{corpus}: line 2, byte 1", error);

        (code, error) = ConsoleRedirection.RunMain(["pretrain", "--tokenizer", garbage, "--corpus", corpus, "--output", output]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(garbage, error);

        (code, error) = ConsoleRedirection.RunMain(["pretrain", "--tokenizer", KeywordData.TinyTokenizerPath, "--corpus", work.File("missing.txt"), "--output", output]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(work.File("missing.txt"), error);

        (code, _) = ConsoleRedirection.RunMain(["pretrain", "--tokenizer", KeywordData.TinyTokenizerPath, "--corpus", corpus, "--output", output, "--objective", "xlnet"]);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.False(Directory.Exists(output));
    }

    private static void Pretrain(string corpus, RemBertPretrainingOptions? options = null)
    {
        using var result = RemBertPretrainer.Pretrain(TinyPretraining.Tokenizer(), corpus, TinyPretraining.Config(), options ?? TinyPretraining.Options());
    }
}
