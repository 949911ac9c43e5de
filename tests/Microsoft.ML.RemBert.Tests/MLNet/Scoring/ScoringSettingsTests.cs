using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.MLNet.Trainers;
using Microsoft.ML.RemBert.Trainers;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Scoring;

/// <summary>
/// ConfigureRemBertScoring on a loaded zip (docs/serving.md, "Device and precision"): it reaches every RemBERT
/// transformer of a chain, bfloat16 scoring on the CPU agrees with float32 within bfloat16's precision, and a device
/// the process does not have is one error naming it and what is available.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class ScoringSettingsTests(ITestOutputHelper output) : MLNetFileTestBase
{
    // bfloat16 keeps 8 significant bits (relative rounding 2^-9 per weight and matmul); over this 1-layer model's
    // probabilities that is well under 0.02, while a wrong conversion (weights misread) moves them by far more.
    private const float BFloat16Tolerance = 0.02f;

    private string SaveIntentModel()
        => ServingModelFixture.SaveIntentPipeline(MLContext, TinyTraining.Multiclass(), Path.Combine(TempDirectory, "intents.zip"));

    private Prediction[] Predict(ITransformer model) => MLContext.Data.CreateEnumerable<Prediction>(
        model.Transform(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(40, seed: 2))), reuseRowObject: false).ToArray();

    [Fact]
    public void BFloat16OnTheCpuAgreesWithFloat32AndEveryRemBertTransformerOfANestedChainIsConfigured()
    {
        string zip = SaveIntentModel();
        using var float32 = (TransformerChain<ITransformer>)MLContext.Model.Load(zip, out _);
        using var loaded = (TransformerChain<ITransformer>)MLContext.Model.Load(zip, out _);
        var nested = new TransformerChain<ITransformer>(loaded);

        var returned = nested.ConfigureRemBertScoring(new RemBertScoringSettings
        {
            Device = "cpu", Precision = RemBertPrecision.BFloat16, InferenceBatchSize = 64,
        });

        Assert.Same(nested, returned);
        var scoring = loaded.OfType<RemBertTextClassificationTransformer>().Single();
        Assert.Equal(64, scoring.InferenceBatchSize);
        Assert.All(scoring.Model.parameters(), p => Assert.Equal(torch.ScalarType.BFloat16, p.dtype));
        Assert.All(scoring.Model.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
        Assert.Equal(32, float32.OfType<RemBertTextClassificationTransformer>().Single().InferenceBatchSize); // the other load is untouched

        var expected = Predict(float32);
        var actual = Predict(nested);
        float worst = expected.Zip(actual).Max(pair => pair.First.Score.Zip(pair.Second.Score).Max(s => Math.Abs(s.First - s.Second)));
        output.WriteLine($"largest probability difference bfloat16 vs float32 over {expected.Length} rows: {worst:G3}");
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(worst > 0, "bfloat16 scores equal float32's to the bit: the conversion did not happen");
        Assert.InRange(worst, 0, BFloat16Tolerance);
    }

    [Fact]
    public void PrepackedWeightsScoreAsBeforeInBothPrecisionsAndFollowAPrecisionChange()
    {
        string zip = SaveIntentModel();
        using var model = (TransformerChain<ITransformer>)MLContext.Model.Load(zip, out _);
        var scoring = model.OfType<RemBertTextClassificationTransformer>().Single();
        var expected = Predict(model);

        model.ConfigureRemBertScoring(new RemBertScoringSettings { PrepackWeights = true });

        Assert.NotEmpty(PrepackedWeight.In(scoring.Model));
        var packed = Predict(model);
        output.WriteLine($"largest probability difference prepacked vs plain float32 over {expected.Length} rows: {LargestDifference(expected, packed):G3}");
        Assert.Equal(expected.Select(p => p.PredictedLabel), packed.Select(p => p.PredictedLabel));
        Assert.InRange(LargestDifference(expected, packed), 0, 1e-5f);

        // A conversion gives the weights new storage: they are packed again, in bfloat16's layout (oneDNN's, the weights' size).
        model.ConfigureRemBertScoring(new RemBertScoringSettings { Precision = RemBertPrecision.BFloat16 });
        var packs = PrepackedWeight.In(scoring.Model);
        Assert.NotEmpty(packs);
        Assert.Equal(scoring.Model.BaseModel.named_parameters().Where(p => p.name.StartsWith("encoder.", StringComparison.Ordinal) && p.parameter.dim() == 2)
            .Sum(p => p.parameter.NumberOfElements * p.parameter.ElementSize), packs.Sum(p => p.Bytes));
        var packedBFloat16 = Predict(model);
        model.ConfigureRemBertScoring(new RemBertScoringSettings { PrepackWeights = false });
        Assert.Empty(PrepackedWeight.In(scoring.Model));
        var plainBFloat16 = Predict(model);
        output.WriteLine($"largest probability difference prepacked vs plain bfloat16: {LargestDifference(plainBFloat16, packedBFloat16):G3}");
        Assert.InRange(LargestDifference(plainBFloat16, packedBFloat16), 0, BFloat16Tolerance);
        Assert.InRange(LargestDifference(expected, packedBFloat16), 0, BFloat16Tolerance);
    }

    private static float LargestDifference(Prediction[] expected, Prediction[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual).Max(pair => pair.First.Score.Zip(pair.Second.Score).Max(s => Math.Abs(s.First - s.Second)));
    }

    [SkippableFact]
    public void AnAbsentDeviceIsOneErrorNamingItAndWhatIsAvailableAndChangesNothing()
    {
        Skip.If(torch.cuda.is_available(), "this machine has a CUDA GPU");
        string zip = SaveIntentModel();
        using var model = (TransformerChain<ITransformer>)MLContext.Model.Load(zip, out _);
        var expected = Predict(model);

        var error = Assert.Throws<ArgumentException>(() => model.ConfigureRemBertScoring(new RemBertScoringSettings
        {
            Device = "cuda", Precision = RemBertPrecision.BFloat16, InferenceBatchSize = 64,
        }));

        Assert.Equal("Device 'cuda' is not available in this process; available: cpu only (no CUDA GPU, or the CPU build of TorchSharp: " +
            "reference TorchSharp-cuda-linux/-windows for GPUs).", error.Message);
        var scoring = model.OfType<RemBertTextClassificationTransformer>().Single();
        Assert.Equal(32, scoring.InferenceBatchSize);
        Assert.All(scoring.Model.parameters(), p => Assert.Equal(torch.ScalarType.Float32, p.dtype));
        Assert.Equal(expected.Select(p => p.Score), Predict(model).Select(p => p.Score));

        Assert.Contains("'cuda:1'", Assert.Throws<ArgumentException>(() => model.ConfigureRemBertScoring(new RemBertScoringSettings { Device = "cuda:1" })).Message);
        Assert.Contains("'tpu'", Assert.Throws<ArgumentException>(() => model.ConfigureRemBertScoring(new RemBertScoringSettings { Device = "tpu" })).Message);
    }

    [Fact]
    public void AModelWithoutRemBertOrABatchSizeBelowOneIsRefused()
    {
        var keys = MLContext.Transforms.Conversion.MapValueToKey("Label").Fit(MLContext.Data.LoadFromEnumerable(KeywordData.IntentRows(8, seed: 1)));
        var none = Assert.Throws<InvalidOperationException>(() => keys.ConfigureRemBertScoring(new RemBertScoringSettings { InferenceBatchSize = 8 }));
        Assert.Contains("holds no RemBERT transformer", none.Message);

        var zero = Assert.Throws<ArgumentException>(() => keys.ConfigureRemBertScoring(new RemBertScoringSettings { InferenceBatchSize = 0 }));
        Assert.Contains("InferenceBatchSize must be at least 1, not 0", zero.Message);
    }

    [SkippableFact]
    public void PredictWithAnAbsentDeviceIsAUsageErrorNamingItAndWhatIsAvailable()
    {
        Skip.If(torch.cuda.is_available(), "this machine has a CUDA GPU");
        string zip = SaveIntentModel();
        string input = Path.Combine(TempDirectory, "input.jsonl");
        File.WriteAllLines(input, ["{\"Sentence1\": \"weather please\", \"Label\": \"\"}"]);

        var absent = RembertCli.Run("predict", "--model", zip, "--input", input, "--device", "cuda");
        var cpu = RembertCli.Run("predict", "--model", zip, "--input", input, "--device", "cpu", "--precision", "bf16");

        Assert.Equal(2, absent.ExitCode);
        Assert.Contains("--device: Device 'cuda' is not available in this process; available: cpu only", absent.StandardError);
        Assert.True(cpu.ExitCode == 0, cpu.StandardError);
        Assert.Contains("\"PredictedLabel\"", cpu.StandardOutput);
    }

    private sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";

        public float[] Score { get; set; } = [];
    }
}
