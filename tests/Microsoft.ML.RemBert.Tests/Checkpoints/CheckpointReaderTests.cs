using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

public class CheckpointReaderTests
{
    [SkippableTheory]
    [MemberData(nameof(CheckpointFixtures.Names), MemberType = typeof(CheckpointFixtures))]
    public void EveryFixtureTensorEqualsPyBridgesReading(string fixture)
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory(fixture));
        var reference = CheckpointFixtures.ReadWithPyBridge(CheckpointFixtures.WeightsFile(fixture));
        try
        {
            Assert.Equal(reference.Keys.OrderBy(k => k), reader.Keys.OrderBy(k => k));
            foreach (var key in reader.Keys)
            {
                using var ours = reader.Read(key);
                var theirs = reference[key];
                Assert.Equal(theirs.dtype, ours.dtype);
                Assert.Equal(theirs.shape, ours.shape);
                Assert.True(TensorAssert.Identical(ours, theirs), $"{fixture}: '{key}' differs from PyBridge's reading.");
            }
        }
        finally
        {
            foreach (var tensor in reference.Values) tensor.Dispose();
        }
    }

    [SkippableFact]
    public void BaseFixtureIsAnUnprefixedPickleWithTheLegacyPositionIds()
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory("base"));
        Assert.EndsWith(CheckpointFileNames.PyTorch, reader.Source);
        var positions = reader.GetInfo(CheckpointLoadOptions.LegacyPositionIdsKey);
        Assert.Equal(torch.ScalarType.Int64, positions.DType);
        using var values = reader.Read(CheckpointLoadOptions.LegacyPositionIdsKey);
        Assert.Equal(Enumerable.Range(0, (int)positions.ElementCount).Select(i => (long)i), values.data<long>().ToArray());
        Assert.Equal(new long[] { 8000, 24 }, reader.GetInfo("embeddings.word_embeddings.weight").Shape);
    }

    [SkippableFact]
    public void ReadIntoConvertsElementTypeAndRejectsAnotherShape()
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory("seqcls"));
        const string key = "rembert.embeddings.word_embeddings.weight";
        using var asFloat = reader.Read(key);
        using var asDouble = torch.zeros(asFloat.shape, torch.float64);
        reader.ReadInto(key, asDouble);
        Assert.True(TensorAssert.Identical(asDouble, asFloat.to(torch.float64)));

        using var asHalf = torch.zeros(asFloat.shape, torch.float16);
        reader.ReadInto(key, asHalf);
        Assert.True(TensorAssert.Identical(asHalf, asFloat.to(torch.float16)));

        using var wrong = torch.zeros(3, 4);
        var error = Assert.Throws<CheckpointShapeMismatchException>(() => reader.ReadInto(key, wrong));
        Assert.Contains(key, error.Message);
        Assert.Contains("[8000, 24]", error.Message);
        Assert.Contains("[3, 4]", error.Message);
        Assert.Contains("model.safetensors", error.Message);
    }

    [SkippableFact]
    public void ReadsANonContiguousView()
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory("qa"));
        const string key = "qa_outputs.weight";
        using var expected = reader.Read(key);
        using var transposedStorage = torch.zeros(expected.shape[1], expected.shape[0]);
        using var destination = transposedStorage.t(); // a strided destination: the reader must stage and copy
        reader.ReadInto(key, destination);
        Assert.True(TensorAssert.Identical(destination, expected));
    }
}
