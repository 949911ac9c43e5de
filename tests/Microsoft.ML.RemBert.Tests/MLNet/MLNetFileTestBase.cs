namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>An ML.NET context and a private temporary directory per test, deleted afterwards.</summary>
public abstract class MLNetFileTestBase : IDisposable
{
    protected MLContext MLContext { get; } = new(seed: 1);

    protected string TempDirectory { get; } = Directory.CreateTempSubdirectory("rembert-mlnet-").FullName;

    public void Dispose()
    {
        Directory.Delete(TempDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
