using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>
/// mlContext.Model.SaveAtomically, the public atomic save (docs/public-api.md): the zip is whole or the old one stays.
/// A plain ML.NET pipeline stands in for a trained one: the save does not depend on what the chain holds.
/// </summary>
public sealed class SaveAtomicallyTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();
    private readonly MLContext mlContext = new(seed: 1);

    public void Dispose() => directory.Dispose();

    private sealed class Row
    {
        public float A { get; set; }
        public float B { get; set; }
    }

    private sealed class Scored
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private (ITransformer Model, IDataView Data) Pipeline()
    {
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Row { A = 1, B = 2 }, new Row { A = 3, B = 4 } });
        return (mlContext.Transforms.Concatenate("Features", nameof(Row.A), nameof(Row.B)).Fit(data), data);
    }

    [Fact]
    public void TheSavedZipLoadsAndScoresAsTheModel()
    {
        var (model, data) = Pipeline();
        string path = directory.File("model.zip");

        mlContext.Model.SaveAtomically(model, data.Schema, path);

        var loaded = mlContext.Model.Load(path, out var inputSchema);
        Assert.Equal(data.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
        var scored = mlContext.Data.CreateEnumerable<Scored>(loaded.Transform(data), reuseRowObject: false).ToList();
        Assert.Equal([1f, 2f], scored[0].Features);
        Assert.Equal([3f, 4f], scored[1].Features);
        Assert.Equal(["model.zip"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ASaveThatFailsHalfWayLeavesTheOldFileAndNoPartial()
    {
        var (model, data) = Pipeline();
        string path = directory.File("model.zip");
        mlContext.Model.SaveAtomically(model, data.Schema, path);
        byte[] before = File.ReadAllBytes(path);

        var fault = Assert.Throws<InvalidOperationException>(() => mlContext.Model.SaveAtomically(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new InvalidOperationException("the exporter failed half-way");
        }));

        Assert.Equal("the exporter failed half-way", fault.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.zip"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ADirectoryIsRefusedNamingItBeforeTheModelIsWritten()
    {
        var (model, data) = Pipeline();
        string target = directory.File("models");
        Directory.CreateDirectory(target);

        var refused = Assert.ThrowsAny<IOException>(() => mlContext.Model.SaveAtomically(model, data.Schema, target));

        Assert.Contains(target, refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(target));
        Assert.Equal(["models"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }
}
