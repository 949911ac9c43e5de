using System.IO.Compression;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Tokenization;
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
