namespace Microsoft.ML.RemBert.Tests.Samples;

/// <summary>Whether this build carries the embedded default model's weights, which the samples start from.</summary>
internal static class DefaultModelWeights
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        try
        {
            _ = RemBertDefaultModel.Directory;
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    });

    /// <summary>Skips the calling test, with the library's own message, when the weights are not built in.</summary>
    public static void SkipIfMissing() =>
        Xunit.Skip.If(Missing.Value is not null, $"The samples train from the embedded default model: {Missing.Value}");
}
