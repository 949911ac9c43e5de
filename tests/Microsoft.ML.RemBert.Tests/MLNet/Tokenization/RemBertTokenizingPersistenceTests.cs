using System.IO.Compression;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;
using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Tokenization.TokenizerTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Tokenization;

public sealed class RemBertTokenizingPersistenceTests : MLNetFileTestBase
{
    private (string Path, IDataView Data, ITransformer Model) SaveModel()
    {
        var data = MLContext.Data.LoadFromEnumerable(Rows);
        var model = Fit(MLContext, data, withPair: true);
        string path = Path.Combine(TempDirectory, "tokenizer.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return (path, data, model);
    }

    [Fact]
    public void LoadedModelGivesIdenticalOutputAndKeepsItsOptions()
    {
        var (path, data, model) = SaveModel();

        var loaded = MLContext.Model.Load(path, out var inputSchema);

        Assert.Equal(data.Schema.Select(c => (c.Name, c.Type)), inputSchema.Select(c => (c.Name, c.Type)));
        var tokenizing = Assert.IsType<RemBertTokenizingTransformer>(loaded);
        Assert.Equal(Options(withPair: true), tokenizing.Options);
        Assert.Equal(LoadTokenizer().SentencePiece.ModelBytes.ToArray(), tokenizing.Tokenizer.SentencePiece.ModelBytes.ToArray());
        var before = ReadOutput(MLContext, model.Transform(data));
        var after = ReadOutput(MLContext, loaded.Transform(data));
        Assert.Equal(before.Select(r => r.InputIds), after.Select(r => r.InputIds));
        Assert.Equal(before.Select(r => r.AttentionMask), after.Select(r => r.AttentionMask));
        Assert.Equal(before.Select(r => r.TokenTypeIds), after.Select(r => r.TokenTypeIds));
    }

    [Fact]
    public void ChainWithTheTokenizerRoundTrips()
    {
        var data = MLContext.Data.LoadFromEnumerable(Rows);
        var chain = MLContext.Transforms.CopyColumns("Copy", nameof(TextRow.Text))
            .Append(MLContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), Options(withPair: false)))
            .Fit(data);
        string path = Path.Combine(TempDirectory, "chain.zip");
        MLContext.Model.Save(chain, data.Schema, path);

        var loaded = MLContext.Model.Load(path, out _);

        Assert.Equal(ReadOutput(MLContext, chain.Transform(data)).Select(r => r.InputIds),
            ReadOutput(MLContext, loaded.Transform(data)).Select(r => r.InputIds));
    }

    [Fact]
    public void TheZipHoldsTheSentencePieceModel()
    {
        var (path, _, _) = SaveModel();

        using var zip = ZipFile.OpenRead(path);
        var entry = Assert.Single(zip.Entries, e => e.FullName.EndsWith(RemBertTokenizerEntry.EntryName, StringComparison.Ordinal));
        Assert.True(entry.Length > LoadTokenizer().SentencePiece.ModelBytes.Length);
    }

    [Fact]
    public void MissingTokenizerEntryIsNamed()
    {
        var (path, _, _) = SaveModel();
        EditTokenizerEntry(path, (zip, entry) => entry.Delete());

        var ex = FindFormatException(() => MLContext.Model.Load(path, out _));

        Assert.EndsWith(RemBertTokenizerEntry.EntryName, ex.EntryPath);
        Assert.Contains("missing", ex.Message);
    }

    [Fact]
    public void UnknownTokenizerEntryVersionIsNamed()
    {
        const int FutureVersion = 99;
        var (path, _, _) = SaveModel();
        RewriteTokenizerEntry(path, bytes =>
        {
            // The entry starts with the uint32 magic, then the int32 format version.
            BitConverter.GetBytes(FutureVersion).CopyTo(bytes, sizeof(uint));
            return bytes;
        });

        var ex = FindFormatException(() => MLContext.Model.Load(path, out _));

        Assert.Contains($"format version {FutureVersion}", ex.Message);
        Assert.Contains(RemBertTokenizerEntry.EntryName, ex.Message);
    }

    [Fact]
    public void TruncatedTokenizerEntryIsNamed()
    {
        var (path, _, _) = SaveModel();
        RewriteTokenizerEntry(path, bytes => bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var ex = FindFormatException(() => MLContext.Model.Load(path, out _));

        Assert.Contains("truncated", ex.Message);
        Assert.Contains(RemBertTokenizerEntry.EntryName, ex.Message);
    }

    /// <summary>Options that differ from the defaults in every field of <see cref="TokenizerOptionFields.All"/>.</summary>
    private static RemBertTokenizerOptions NonDefaultOptions(RemBertTokenizer tokenizer)
    {
        var options = new RemBertTokenizerOptions
        {
            DoLowerCase = true,
            RemoveSpace = false,
            KeepAccents = false,
            ClsToken = tokenizer.SentencePiece.IdToPiece(5),
            SepToken = tokenizer.SentencePiece.IdToPiece(6),
            PadToken = tokenizer.SentencePiece.IdToPiece(7),
            UnkToken = tokenizer.SentencePiece.IdToPiece(8),
            MaskToken = tokenizer.SentencePiece.IdToPiece(9),
            ModelMaxLength = 77,
        };
        var defaults = new RemBertTokenizerOptions();
        foreach (var field in TokenizerOptionFields.All)
            Assert.False(ValueBytes(field, defaults).SequenceEqual(ValueBytes(field, options)), $"The test must give '{field.Key}' a non-default value.");
        return options;
    }

    private static byte[] ValueBytes(TokenizerOptionField field, RemBertTokenizerOptions options)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
            field.WriteValue(writer, options);
        return stream.ToArray();
    }

    private (string Path, RemBertTokenizer Tokenizer) SaveWithOptions(RemBertTokenizerOptions options)
    {
        var tokenizer = RemBertTokenizer.FromSentencePiece(LoadTokenizer().SentencePiece, options);
        var data = MLContext.Data.LoadFromEnumerable(Rows);
        var model = MLContext.Transforms.Text.TokenizeForRemBert(tokenizer, Options(withPair: false)).Fit(data);
        string path = Path.Combine(TempDirectory, "options.zip");
        MLContext.Model.Save(model, data.Schema, path);
        return (path, tokenizer);
    }

    [Fact]
    public void EveryTokenizerOptionRoundTripsThroughTheZip()
    {
        var options = NonDefaultOptions(LoadTokenizer());
        var (path, _) = SaveWithOptions(options);

        var loaded = Assert.IsType<RemBertTokenizingTransformer>(MLContext.Model.Load(path, out _));

        Assert.Equal(options, loaded.Tokenizer.Options);
    }

    [Fact]
    public void AVersion1TokenizerEntryStillLoads()
    {
        var tokenizer = LoadTokenizer();
        var options = NonDefaultOptions(tokenizer);
        var (path, _) = SaveWithOptions(new RemBertTokenizerOptions());
        // Version 1's documented body: bool x3, string x5, int32, then the SentencePiece blob; positional, no keys.
        RewriteTokenizerEntry(path, _ => Entry(version: 1, writer =>
        {
            writer.Write(options.DoLowerCase);
            writer.Write(options.RemoveSpace);
            writer.Write(options.KeepAccents);
            foreach (string token in new[] { options.ClsToken, options.SepToken, options.PadToken, options.UnkToken, options.MaskToken })
                writer.Write(token);
            writer.Write(options.ModelMaxLength);
            writer.WriteBlob(tokenizer.SentencePiece.ModelBytes.Span);
        }));

        var loaded = Assert.IsType<RemBertTokenizingTransformer>(MLContext.Model.Load(path, out _));

        Assert.Equal(options, loaded.Tokenizer.Options);
    }

    [Fact]
    public void AnOptionUnknownToThisBuildIsNamed()
    {
        var tokenizer = LoadTokenizer();
        var (path, _) = SaveWithOptions(new RemBertTokenizerOptions());
        RewriteTokenizerEntry(path, _ => Entry(version: 2, writer =>
        {
            writer.Write(1);
            writer.Write("future_option");
            writer.Write((byte)TokenizerOptionKind.Bool);
            writer.Write(true);
            writer.WriteBlob(tokenizer.SentencePiece.ModelBytes.Span);
        }));

        var ex = FindFormatException(() => MLContext.Model.Load(path, out _));

        Assert.Contains("'future_option'", ex.Message);
        Assert.Contains(RemBertTokenizerEntry.EntryName, ex.Message);
    }

    private static byte[] Entry(int version, Action<BinaryWriter> writeBody)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
            VersionedEntry.Write(writer, new EntryFormatVersion(version, version), writeBody);
        return stream.ToArray();
    }

    private static void RewriteTokenizerEntry(string path, Func<byte[], byte[]> edit)
        => EditTokenizerEntry(path, (zip, entry) =>
        {
            byte[] bytes;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            string name = entry.FullName;
            entry.Delete();
            using var target = zip.CreateEntry(name).Open();
            target.Write(edit(bytes));
        });

    private static void EditTokenizerEntry(string path, Action<ZipArchive, ZipArchiveEntry> edit)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        edit(zip, zip.Entries.Single(e => e.FullName.EndsWith(RemBertTokenizerEntry.EntryName, StringComparison.Ordinal)));
    }

    // ML.NET may wrap the loader's exception (reflection, "couldn't load model"); the cause must still be ours.
    private static RemBertModelFormatException FindFormatException(Action load)
    {
        var thrown = Assert.ThrowsAny<Exception>(load);
        for (Exception? ex = thrown; ex is not null; ex = ex.InnerException)
        {
            if (ex is RemBertModelFormatException format)
                return format;
        }
        throw new Xunit.Sdk.XunitException($"Expected a RemBertModelFormatException in the chain, got: {thrown}");
    }
}
