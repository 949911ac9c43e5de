using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.Modeling.Precision;

/// <summary>
/// Loading and saving in bfloat16: a bfloat16 model saves what transformers reads as a bfloat16 checkpoint (safetensors
/// BF16, <c>torch_dtype: bfloat16</c>) at half the size, which loads back bit for bit; a device without native
/// bfloat16 gets exactly one warning.
/// </summary>
public sealed class BFloat16CheckpointTests
{
    private static CheckpointLoadOptions BFloat16(Action<string>? log = null, bool native = true) =>
        new() { Precision = RemBertPrecision.BFloat16, Log = log, NativeBFloat16Check = _ => native };

    [SkippableFact]
    public void SavePretrainedWritesABFloat16CheckpointThatLoadsBackIdentically()
    {
        var fixture = ReferenceFixture.Load();
        using var directory = new TemporaryDirectory();
        using var model = RemBertCheckpoint.FromPretrained(fixture.Checkpoint("seqcls"), options: BFloat16());
        model.SavePretrained(directory.Path);

        using (var config = JsonDocument.Parse(File.ReadAllText(directory.File("config.json"))))
            Assert.Equal("bfloat16", config.RootElement.GetProperty("torch_dtype").GetString());
        var header = SafetensorsHeader(directory.File("model.safetensors"));
        var dtypes = header.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p => p.Value.GetProperty("dtype").GetString()).ToList();
        Assert.NotEmpty(dtypes);
        Assert.All(dtypes, dtype => Assert.Equal("BF16", dtype));
        long parameters = model.CountParameters();
        Assert.InRange(new FileInfo(directory.File("model.safetensors")).Length, 2 * parameters, 2 * parameters + 64 * 1024);

        using var reloaded = RemBertCheckpoint.FromPretrained(directory.Path, options: BFloat16());
        using var expected = (LogitsOutput)ReferenceOutputTests.Run(fixture, model.ForwardOutputs);
        using var actual = (LogitsOutput)ReferenceOutputTests.Run(fixture, reloaded.ForwardOutputs);
        Assert.True(TensorAssert.Identical(expected.Logits, actual.Logits));
    }

    [SkippableFact]
    public void ABFloat16LoadOnADeviceWithoutNativeSupportWarnsOnce()
    {
        var fixture = ReferenceFixture.Load();
        var warnings = new List<string>();
        using (RemBertCheckpoint.FromPretrained(fixture.Checkpoint("base"), options: BFloat16(warnings.Add, native: false))) { }
        var warning = Assert.Single(warnings);
        Assert.Contains("bfloat16", warning);
        Assert.Contains("slower", warning);

        warnings.Clear();
        using (RemBertCheckpoint.FromPretrained(fixture.Checkpoint("base"), options: BFloat16(warnings.Add, native: true))) { }
        using (RemBertCheckpoint.FromPretrained(fixture.Checkpoint("base"), options: new CheckpointLoadOptions { Log = warnings.Add, NativeBFloat16Check = _ => false })) { }
        Assert.Empty(warnings); // native bfloat16, or float32 asked for: nothing to warn about
    }

    [Theory]
    [InlineData("flags\t\t: fpu vme avx512f avx512_bf16 avx512_vnni\n", true)]
    [InlineData("flags\t\t: fpu amx_tile amx_bf16 amx_int8\n", true)]
    [InlineData("Features\t: fp asimd bf16 i8mm\n", true)]
    [InlineData("flags\t\t: fpu vme avx2 avx512f avx512_vnni\n", false)]
    [InlineData("model name\t: avx512_bf16 in a name is not a flag\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void CpuFlagsDecideNativeSupport(string? cpuInfo, bool native) =>
        Assert.Equal(native, BFloat16Support.CpuInfoHasNativeBFloat16(cpuInfo));

    [Theory]
    [InlineData("float32", RemBertPrecision.Float32)]
    [InlineData("FP32", RemBertPrecision.Float32)]
    [InlineData("bfloat16", RemBertPrecision.BFloat16)]
    [InlineData(" bf16 ", RemBertPrecision.BFloat16)]
    public void PrecisionNamesParse(string text, RemBertPrecision expected) => Assert.Equal(expected, RemBertPrecisions.Parse(text));

    [Theory]
    [InlineData("float16")]
    [InlineData("")]
    [InlineData(null)]
    public void AnUnknownPrecisionNameIsQuoted(string? text)
    {
        var error = Assert.Throws<ArgumentException>(() => RemBertPrecisions.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains("bfloat16", error.Message);
    }

    private static JsonElement SafetensorsHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var length = new byte[8];
        stream.ReadExactly(length);
        var json = new byte[BinaryPrimitives.ReadUInt64LittleEndian(length)];
        stream.ReadExactly(json);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
