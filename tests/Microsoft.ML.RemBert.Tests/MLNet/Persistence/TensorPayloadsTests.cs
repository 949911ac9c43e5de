using System.Diagnostics;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.MLNet.Persistence;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Tests.MLNet.Persistence;

public sealed class TensorPayloadsTests
{
    private readonly ITestOutputHelper _output;

    public TensorPayloadsTests(ITestOutputHelper output) => _output = output;

    private static void RoundTrip(Stream stream, IReadOnlyList<(string, Tensor)> saved, IReadOnlyDictionary<string, Tensor> targets)
    {
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            writer.WriteTensors(saved);
        stream.Position = 0;
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        reader.ReadTensorsInto(targets);
    }

    [Fact]
    public void TensorsRoundTripIntoExistingTensors()
    {
        using var scope = NewDisposeScope();
        // More than one chunk, a non-contiguous view, and an integer buffer.
        var big = randn(3 * TensorBytes.ChunkBytes / sizeof(float) + 5);
        var transposed = arange(12, dtype: ScalarType.Float32).reshape(3, 4).t();
        var ids = arange(7, dtype: ScalarType.Int64);
        var targets = new Dictionary<string, Tensor>
        {
            ["big"] = zeros_like(big),
            ["transposed"] = zeros(4, 3),
            ["ids"] = zeros_like(ids),
        };

        RoundTrip(new MemoryStream(), [("big", big), ("transposed", transposed), ("ids", ids)], targets);

        Assert.True(targets["big"].eq(big).all().item<bool>());
        Assert.True(targets["transposed"].eq(transposed).all().item<bool>());
        Assert.True(targets["ids"].eq(ids).all().item<bool>());
    }

    [Fact]
    public void Bfloat16RoundTripsAndConvertsIntoAnotherType()
    {
        using var scope = NewDisposeScope();
        var weights = randn(5, 7).to(ScalarType.BFloat16);
        var targets = new Dictionary<string, Tensor> { ["same"] = zeros(5, 7, ScalarType.BFloat16), ["wider"] = zeros(5, 7) };

        RoundTrip(new MemoryStream(), [("same", weights), ("wider", weights)], targets);

        Assert.Equal(ScalarType.BFloat16, targets["same"].dtype);
        Assert.True(targets["same"].eq(weights).all().item<bool>());
        Assert.Equal(ScalarType.Float32, targets["wider"].dtype);
        Assert.True(targets["wider"].eq(weights.to(ScalarType.Float32)).all().item<bool>());
    }

    [Fact]
    public void ShapeMismatchNamesTheTensor()
    {
        using var scope = NewDisposeScope();
        var targets = new Dictionary<string, Tensor> { ["encoder.weight"] = zeros(3, 2) };

        var ex = Assert.Throws<InvalidDataException>(() => RoundTrip(new MemoryStream(), [("encoder.weight", ones(2, 3))], targets));

        Assert.Contains("'encoder.weight'", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        using var scope = NewDisposeScope();
        var targets = new Dictionary<string, Tensor> { ["a"] = zeros(2), ["b.bias"] = zeros(2) };

        var ex = Assert.Throws<InvalidDataException>(() => RoundTrip(new MemoryStream(), [("a", ones(2))], targets));

        Assert.Contains("b.bias", ex.Message);
    }

    /// <summary>
    /// One tensor larger than 2 GB (RemBERT's weights are 2.3 GB) through a file, as ML.NET's repository does:
    /// proves nothing on the way needs a 2 GB managed array. Writes and reads 2.3 GB (about 30 s).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void TensorLargerThanTwoGigabytesStreamsThroughAFile()
    {
        const long Elements = 2_300_000_000L / sizeof(float);
        using var scope = NewDisposeScope();
        var weights = arange(Elements, dtype: ScalarType.Float32);
        var targets = new Dictionary<string, Tensor> { ["weights"] = empty(Elements) };
        string path = Path.GetTempFileName();
        try
        {
            var clock = Stopwatch.StartNew();
            using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose))
                RoundTrip(file, [("weights", weights)], targets);
            _output.WriteLine($"2.3 GB written and read back in {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            File.Delete(path);
        }
        Assert.True(targets["weights"].eq(weights).all().item<bool>());
    }
}
