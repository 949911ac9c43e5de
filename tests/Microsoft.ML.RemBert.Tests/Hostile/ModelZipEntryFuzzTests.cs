using System.IO.Compression;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Tokenization.TokenizerTestData;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Seeded mutations of the tokenizer transform's own entries inside a valid ML.NET zip (its Model.key fields and its
/// tokenizer entry), loaded with <c>mlContext.Model.Load</c> and applied to a few rows: every case loads and runs (or, when
/// a mutated string id names another column, meets ML.NET's schema check), or fails with our own exception (unwrapped from
/// ML.NET's) whose message names the entry; nothing else escapes.
/// ML.NET's own header and string table in Model.key are ML.NET's to check, so only our fields there are mutated.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))] // FuzzRun measures the process's managed heap: nothing else may run meanwhile
public sealed class ModelZipEntryFuzzTests : IDisposable
{
    /// <summary>ML.NET's ModelHeader, then our fields: five string ids, MaxSequenceLength, Truncation.</summary>
    private const int OurFieldsStart = 0x100, OurFieldsLength = 7 * sizeof(int);

    private readonly HostileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void EveryMutationLoadsOrFailsWithOurOwnError()
    {
        string zipPath = PredictFixture.SaveTokenizerZip(workspace.PathOf("model.zip"));
        byte[] original = File.ReadAllBytes(zipPath);
        string modelKey, tokenizer;
        byte[] keyBytes, tokenizerBytes;
        using (var zip = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read))
        {
            (modelKey, tokenizer) = PredictFixture.TransformEntries(zip);
            keyBytes = PredictFixture.Read(zip, modelKey);
            tokenizerBytes = PredictFixture.Read(zip, tokenizer);
        }
        var mlContext = new MLContext(seed: 1);
        var rows = mlContext.Data.LoadFromEnumerable(Rows);

        // Each case carries a leading byte saying which entry it replaces: 0 the tokenizer entry, 1 Model.key.
        FuzzRun.Run<RemBertModelFormatException>("ML.NET zip entry", [[0, .. tokenizerBytes], [1, .. keyBytes]], (marked, random) =>
        {
            var (bytes, description) = marked[0] == 0 ? ByteMutator.Mutate(marked[1..], random) : MutateOurFields(marked[1..], random);
            return ([marked[0], .. bytes], (marked[0] == 0 ? tokenizer : modelKey) + ": " + description);
        }, marked =>
        {
            string entry = marked[0] == 0 ? tokenizer : modelKey;
            using var stream = WithEntry(original, entry, marked[1..]);
            ITransformer model;
            try
            {
                model = mlContext.Model.Load(stream, out _);
            }
            catch (Exception e) when (CliErrors.Chain(e).OfType<RemBertModelFormatException>().FirstOrDefault() is { } ours)
            {
                Assert.True(ours.Message.Contains(entry), $"the message does not name the entry {entry}: {ours.Message}");
                throw ours; // unwrapped from ML.NET's wrappers: FuzzRun accepts our own type only
            }
            try
            {
                _ = model.Transform(rows).Preview(); // every column, whatever a mutated string id renamed it to
            }
            // A mutated string id can name another of the zip's strings as the input column: ML.NET's schema check says so.
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "schema" && e.Message.StartsWith("Could not find input column")) { }
            // Valid but different options (no truncation, a shorter length) can make a row not fit: the mapper names the row.
            catch (Exception e) when (CliErrors.Chain(e).OfType<InvalidDataException>().Any(x => x.Message.StartsWith("Row "))) { }
        }, iterations: 1000); // each case loads and scores a whole zip: 1,000 take about 3 s
    }

    /// <summary>Mutates only our fields of Model.key, in place (ML.NET's header and string table are ML.NET's to check).</summary>
    private static (byte[] Bytes, string Description) MutateOurFields(byte[] modelKey, Random random)
    {
        var (fields, description) = ByteMutator.Mutate(modelKey[OurFieldsStart..(OurFieldsStart + OurFieldsLength)], random);
        byte[] result = (byte[])modelKey.Clone();
        fields.AsSpan(0, Math.Min(fields.Length, OurFieldsLength)).CopyTo(result.AsSpan(OurFieldsStart));
        return (result, "our fields: " + description);
    }

    /// <summary>The zip <paramref name="original"/> with <paramref name="entry"/>'s content replaced, in memory.</summary>
    private static MemoryStream WithEntry(byte[] original, string entry, byte[] content)
    {
        var result = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read))
        using (var target = new ZipArchive(result, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in source.Entries)
            {
                using var write = target.CreateEntry(e.FullName, CompressionLevel.NoCompression).Open();
                if (e.FullName == entry) write.Write(content);
                else
                {
                    using var read = e.Open();
                    read.CopyTo(write);
                }
            }
        }
        result.Position = 0;
        return result;
    }
}
