using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Persistence;

/// <summary>A model's weights through a real ML.NET zip (mlContext.Model.Save / Model.Load), in fp32 and bf16.</summary>
public sealed class ModelEntryZipTests : MLNetFileTestBase
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void WeightsRoundTripBitForBitInTheirOwnType(ScalarType dtype)
    {
        var task = ScoringTestData.CreateTask();
        if (dtype != ScalarType.Float32)
            TorchSharp.ModuleExtensionMethods.to(task.Model, dtype);
        using var transformer = new LogitsScoringTransformer(MLContext, task);
        var data = MLContext.Data.LoadFromEnumerable(ScoringTestData.Rows(2));
        string path = Path.Combine(TempDirectory, "model.zip");
        MLContext.Model.Save(transformer, data.Schema, path);

        using var loaded = Assert.IsType<LogitsScoringTransformer>(MLContext.Model.Load(path, out _));

        var saved = task.Model.state_dict();
        var read = loaded.Task.Model.state_dict();
        Assert.Equal(saved.Keys, read.Keys);
        foreach (var (key, tensor) in saved)
        {
            Assert.Equal(dtype, read[key].dtype);
            Assert.True(tensor.eq(read[key]).all().item<bool>(), $"'{key}' differs after the round trip.");
        }
        Assert.False(loaded.Task.Model.training);
    }
}
