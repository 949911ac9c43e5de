using Microsoft.ML.RemBert.Checkpoints;
using TorchSharp;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

public class CheckpointLoaderTests
{
    private const string Prefix = CheckpointLoadOptions.RemBertBasePrefix;

    [SkippableFact]
    public void LoadsABaseCheckpointAndIgnoresTheLegacyPositionIds()
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory("base"));
        using var model = CheckpointFixtures.ModuleFor(reader, k => k);

        var report = CheckpointLoader.LoadInto(model, reader);

        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        Assert.Equal(new[] { CheckpointLoadOptions.LegacyPositionIdsKey }, report.IgnoredKeys);
        Assert.Null(report.Warning);
        AssertLoaded(model, reader, k => k);
    }

    [SkippableFact]
    public void BaseModelLoadsFromAHeadCheckpointByDroppingThePrefix()
    {
        using var reader = CheckpointReader.Open(CheckpointFixtures.Directory("seqcls"));
        using var model = CheckpointFixtures.ModuleFor(reader, k => k.StartsWith(Prefix) ? k[Prefix.Length..] : null);

        var report = CheckpointLoader.LoadInto(model, reader);

        Assert.Empty(report.MissingKeys);
        Assert.Equal(new[] { "classifier.bias", "classifier.weight" }, report.UnexpectedKeys.Order());
        AssertLoaded(model, reader, k => Prefix + k);
    }

    [SkippableFact]
    public void HeadModelLoadsFromABaseOnlyCheckpointAndWarnsOnceAboutTheHead()
    {
        string directory = CheckpointFixtures.Directory("base");
        using var reader = CheckpointReader.Open(directory);
        const int Labels = 3, Hidden = 48;
        using var model = CheckpointFixtures.ModuleFor(reader, k => Prefix + k,
            ("classifier.weight", new long[] { Labels, Hidden }), ("classifier.bias", new long[] { Labels }));
        using var headBefore = model.state_dict()["classifier.weight"].clone();
        var messages = new List<string>();

        var report = CheckpointLoader.LoadInto(model, directory, new CheckpointLoadOptions { Log = messages.Add });

        Assert.Equal(new[] { "classifier.weight", "classifier.bias" }, report.MissingKeys);
        var warning = Assert.Single(messages);
        Assert.Equal(report.Warning, warning);
        Assert.Contains("classifier.weight", warning);
        Assert.Contains("classifier.bias", warning);
        Assert.True(TensorAssert.Identical(headBefore, model.state_dict()["classifier.weight"]), "a missing head weight must keep its initialisation");
        AssertLoaded(model, reader, k => k[Prefix.Length..]);
    }

    [SkippableFact]
    public void RequireAllModelKeysTurnsTheWarningIntoAnError()
    {
        string directory = CheckpointFixtures.Directory("base");
        using var reader = CheckpointReader.Open(directory);
        using var model = CheckpointFixtures.ModuleFor(reader, k => k, ("pooler.extra", new long[] { 2 }));
        var error = Assert.Throws<KeyNotFoundException>(() =>
            CheckpointLoader.LoadInto(model, directory, new CheckpointLoadOptions { RequireAllModelKeys = true }));
        Assert.Contains("pooler.extra", error.Message);
    }

    [SkippableFact]
    public void AShapeMismatchNamesKeyShapesAndFileAndLeavesTheModelUntouched()
    {
        string directory = CheckpointFixtures.Directory("qa");
        using var reader = CheckpointReader.Open(directory);
        using var model = CheckpointFixtures.ModuleFor(reader, k => k == "qa_outputs.weight" ? null : k,
            ("qa_outputs.weight", new long[] { 3, 48 }));
        using var before = model.state_dict()["rembert.embeddings.word_embeddings.weight"].clone();

        var error = Assert.Throws<CheckpointShapeMismatchException>(() => CheckpointLoader.LoadInto(model, directory));

        Assert.Equal("qa_outputs.weight", error.Key);
        Assert.Contains("[2, 48]", error.Message);
        Assert.Contains("[3, 48]", error.Message);
        Assert.Contains(Path.Combine(directory, CheckpointFileNames.SafeTensors), error.Message);
        Assert.True(TensorAssert.Identical(before, model.state_dict()["rembert.embeddings.word_embeddings.weight"]));
    }

    private static void AssertLoaded(torch.nn.Module model, CheckpointReader reader, Func<string, string> checkpointKey)
    {
        var loaded = model.state_dict().Where(p => reader.Contains(checkpointKey(p.Key))).ToList();
        Assert.True(loaded.Count > 10, $"only {loaded.Count} keys matched the checkpoint");
        foreach (var (key, parameter) in loaded)
        {
            using var expected = reader.Read(checkpointKey(key));
            Assert.True(TensorAssert.Identical(expected, parameter), $"'{key}' was not loaded");
        }
    }
}
