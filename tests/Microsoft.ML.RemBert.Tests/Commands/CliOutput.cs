using System.Text.Json;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>Reading what a <c>rembert</c> child process printed: its exit status, one JSON object, JSON lines.</summary>
internal static class CliOutput
{
    public static void AssertSucceeded(DotnetProcess.Result result) =>
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout: {result.StandardOutput}\nstderr: {result.StandardError}");

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Every non-empty line parsed as a JSON object, in order.</summary>
    public static List<JsonElement> JsonLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Json).ToList();

    /// <summary>A JSON array of strings.</summary>
    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(item => item.GetString()!).ToArray();
}
