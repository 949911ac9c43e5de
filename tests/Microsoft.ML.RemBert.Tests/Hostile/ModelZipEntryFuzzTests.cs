using System.IO.Compression;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.RemBert.Tests.MLNet.Tokenization.TokenizerTestData;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Seeded mutations of the tokenizer transform's own entries inside a valid ML.NET zip (its Model.key fields and its
/// tokenizer entry), loaded with <c>mlContext.Model.Load</c> and applied to a few rows: every case loads and runs (or, when
/// a mutated string id names another column, meets ML.NET's schema check), or fails with our own exception (unwrapped from
/// ML.NET's) whose message names the entry; nothing else escapes.
/// ML.NET's own header and string table in Model.key are ML.NET's to check, so only our fields there are mutated.
/// </summary>
public sealed class ModelZipEntryFuzzTests(ITestOutputHelper log) : IDisposable
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
        var mutator = new ByteMutator();
        var mlContext = new MLContext(seed: 1);
        var rows = mlContext.Data.LoadFromEnumerable(Rows);
        int loaded = 0, refused = 0;

        int cases = FuzzBudget.Run(seed =>
        {
            var random = new Random(seed);
            bool mutateKey = random.Next(4) == 0;
            string entry = mutateKey ? modelKey : tokenizer;
            byte[] mutated = mutateKey ? MutateOurFields(keyBytes, mutator, random) : mutator.Mutate(tokenizerBytes, random);
            using var stream = WithEntry(original, entry, mutated);
            try
            {
                var model = mlContext.Model.Load(stream, out _);
                loaded++;
                try
                {
                    _ = model.Transform(rows).Preview(); // every column, whatever a mutated string id renamed it to
                }
                // A mutated string id can name another of the zip's strings as the input column: ML.NET's schema check says so.
                catch (ArgumentOutOfRangeException e) when (e.ParamName == "schema" && e.Message.StartsWith("Could not find input column")) { }
            }
            catch (Exception e) when (CliErrors.Chain(e).FirstOrDefault(x => x is RemBertModelFormatException or InvalidDataException) is { } ours)
            {
                Assert.True(ours.Message.Contains(entry) || ours.Message.Contains(Path.GetFileName(entry)),
                    $"seed {seed}: the message does not name the entry {entry}: {ours.Message}");
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e.GetType().Name} escaped for a mutated {entry}: {e}");
            }
        });

        log.WriteLine($"{cases} cases: {loaded} loaded, {refused} refused");
        Assert.True(refused > 0, "no mutation was refused: the entries were not mutated");
    }

    private static byte[] MutateOurFields(byte[] modelKey, ByteMutator mutator, Random random)
    {
        byte[] fields = mutator.Mutate(modelKey[OurFieldsStart..(OurFieldsStart + OurFieldsLength)], random, inPlaceOnly: true);
        byte[] result = (byte[])modelKey.Clone();
        fields.CopyTo(result, OurFieldsStart);
        return result;
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
