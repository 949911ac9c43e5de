using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>A load builds the model without random initialisation and initialises only what the checkpoint lacks.</summary>
public class MissingWeightInitializationTests
{
    [SkippableFact]
    public void AHeadOnABaseOnlyCheckpointKeepsEveryFileWeightAndInitialisesOnlyTheHead()
    {
        string directory = CheckpointFixtures.Directory("base");
        var (model, report) = RemBertCheckpoint.LoadWithReport<RemBertForSequenceClassification>(directory);
        using var _ = model;
        using var reader = CheckpointReader.Open(directory);
        using var scope = torch.NewDisposeScope();

        // The base fixture is a bare RemBertModel, so its keys are the encoder's own state-dict names.
        foreach (var (key, loaded) in model.BaseModel.state_dict())
            Assert.True(TensorAssert.Identical(reader.Read(key), loaded), $"'{key}' differs from the checkpoint");

        var state = model.state_dict();
        Assert.Equal(new[] { "classifier.bias", "classifier.weight" }, report.MissingKeys.Order());
        Assert.True(state["classifier.bias"].eq(0).all().item<bool>(), "classifier.bias is not zero");
        // Only hidden_size x num_labels draws, hence the wide band; TorchSharp's own Linear init (Kaiming uniform,
        // std 1/sqrt(3 x hidden_size) = 0.083 here) would fall far outside it.
        double std = state["classifier.weight"].std().item<float>();
        double range = model.Config.InitializerRange;
        Assert.InRange(std, range * MinStdRatio, range * MaxStdRatio);
    }

    private const double MinStdRatio = 0.6, MaxStdRatio = 1.4;
}
