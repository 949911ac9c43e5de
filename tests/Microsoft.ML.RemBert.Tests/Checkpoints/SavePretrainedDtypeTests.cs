using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Modeling;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>A float16 checkpoint loads into float32 parameters; saving it again writes float32 weights, so config.json's
/// torch_dtype must say float32 (transformers' save_pretrained records the dtype it saves), or transformers'
/// from_pretrained(torch_dtype="auto") would cast the saved weights to float16.</summary>
public class SavePretrainedDtypeTests
{
    [Fact]
    public void TorchDtypeRecordsTheDtypeOfTheSavedWeights()
    {
        using var output = new TemporaryDirectory();
        var config = TinyModels.Config() with { TorchDtype = "float16" };
        using var model = TinyModels.Build<RemBertModel>(config, RemBertArchitectures.Model);

        model.SavePretrained(output.Path);

        Assert.Equal("float32", RemBertConfig.Load(output.Path).TorchDtype);
    }
}
