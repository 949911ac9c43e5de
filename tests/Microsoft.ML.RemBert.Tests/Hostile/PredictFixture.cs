using System.IO.Compression;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using static Microsoft.ML.RemBert.Tests.MLNet.Tokenization.TokenizerTestData;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>A saved tokenizer model zip (Text + Pair → InputIds, AttentionMask, TokenTypeIds) and ways to damage it.</summary>
internal static class PredictFixture
{
    /// <summary>ML.NET's fixed model header before a Model.key's own data (ModelHeader.Size).</summary>
    private const int ModelHeaderBytes = 0x100;

    /// <summary>Model.key of the transform: five string ids, then MaxSequenceLength (see RemBertTokenizingTransformer.SaveModel).</summary>
    private const int MaxSequenceLengthOffset = ModelHeaderBytes + 5 * sizeof(int);

    public static string SaveTokenizerZip(string path)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(Rows);
        mlContext.Model.Save(Fit(mlContext, data, withPair: true), data.Schema, path);
        return path;
    }

    /// <summary>The zip entries the tokenizer transform wrote itself: its Model.key and its tokenizer entry.</summary>
    public static (string ModelKey, string TokenizerEntry) TransformEntries(ZipArchive zip)
    {
        string tokenizer = zip.Entries.Single(e => e.FullName.EndsWith(RemBertTokenizerEntry.EntryName)).FullName;
        string directory = tokenizer[..(tokenizer.LastIndexOf('/') + 1)];
        return (directory + "Model.key", tokenizer);
    }

    /// <summary>Overwrites the transform's MaxSequenceLength inside its Model.key; returns the entry's name.</summary>
    public static string SetMaxSequenceLength(string zipPath, int value)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        string modelKey = TransformEntries(zip).ModelKey;
        byte[] bytes = Read(zip, modelKey);
        if (BitConverter.ToInt32(bytes, MaxSequenceLengthOffset) != MaxSequenceLength)
            throw new InvalidOperationException($"{modelKey} does not hold MaxSequenceLength {MaxSequenceLength} at byte {MaxSequenceLengthOffset}: the layout changed.");
        BitConverter.GetBytes(value).CopyTo(bytes, MaxSequenceLengthOffset);
        Replace(zip, modelKey, bytes);
        return modelKey;
    }

    public static byte[] Read(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static void Replace(ZipArchive zip, string name, byte[] bytes)
    {
        zip.GetEntry(name)!.Delete();
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(bytes);
    }
}
