using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.Modeling;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>A real (tiny) checkpoint and tokenizer served by the loopback Hub load from the resolved snapshot's symlinks.</summary>
public class HubCheckpointLoadTests
{
    [Fact]
    public void ADownloadedCheckpointAndTokenizerLoadFromTheSnapshot()
    {
        using var saved = new TemporaryDirectory();
        using var original = TinyModels.Build<RemBertModel>(TinyModels.Config(), RemBertArchitectures.Model);
        original.SavePretrained(saved.Path);
        string vocabulary = TestPaths.TestData("MLNet", "tiny-unigram.model");
        using var hub = new FakeHub();
        hub.Files["config.json"] = File.ReadAllBytes(saved.File("config.json"));
        hub.Files["model.safetensors"] = File.ReadAllBytes(saved.File("model.safetensors"));
        hub.Files["sentencepiece.model"] = File.ReadAllBytes(vocabulary);
        hub.Files.Remove("tokenizer_config.json");
        using var cache = new HubTestCache();

        string snapshot = RemBertModelSource.Resolve(FakeHub.RepoId, cache.Options(hub.Endpoint));
        using var loaded = RemBertCheckpoint.FromPretrained<RemBertModel>(snapshot);
        var tokenizer = RemBertTokenizer.FromPretrained(snapshot);

        var expected = original.state_dict();
        foreach (var (name, tensor) in loaded.state_dict())
            Assert.True(tensor.equal(expected[name]).all().item<bool>(), name);
        Assert.Equal(RemBertTokenizer.FromPretrained(vocabulary).Encode("Où est la gare ?").InputIds, tokenizer.Encode("Où est la gare ?").InputIds);
    }
}
