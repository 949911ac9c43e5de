using Microsoft.ML.RemBert.Checkpoints.Hub;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints.Hub;

/// <summary>The environment variables huggingface_hub reads, with its precedence (read from a dictionary, never the process).</summary>
public class HubSettingsTests
{
    private static HubSettings From(RemBertHubOptions options, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return HubSettings.From(options, name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void DefaultsAreThePublicHubOnlineInTheHomeCache()
    {
        var settings = From(new RemBertHubOptions(), ("HOME", "/home/u"));

        Assert.Equal("https://huggingface.co", settings.Endpoint);
        Assert.Equal("main", settings.Revision);
        Assert.Null(settings.Token);
        Assert.False(settings.Offline);
        Assert.Equal(Path.GetFullPath("/home/u/.cache/huggingface/hub"), settings.CacheDirectory);
    }

    [Theory]
    [InlineData("/x/hub", "/h", "/xdg", "/x/hub")]
    [InlineData(null, "/h", "/xdg", "/h/hub")]
    [InlineData(null, null, "/xdg", "/xdg/huggingface/hub")]
    [InlineData(null, "~/hf", null, "/home/u/hf/hub")]
    public void TheCacheFollowsHfHubCacheThenHfHomeThenXdgCacheHome(string? hubCache, string? home, string? xdg, string expected)
    {
        var variables = new List<(string, string)> { ("HOME", "/home/u") };
        if (hubCache is not null) variables.Add(("HF_HUB_CACHE", hubCache));
        if (home is not null) variables.Add(("HF_HOME", home));
        if (xdg is not null) variables.Add(("XDG_CACHE_HOME", xdg));

        Assert.Equal(Path.GetFullPath(expected), From(new RemBertHubOptions(), variables.ToArray()).CacheDirectory);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void HfHubOfflineAcceptsHuggingFaceHubsTrueValues(string value, bool offline) =>
        Assert.Equal(offline, From(new RemBertHubOptions(), ("HF_HUB_OFFLINE", value)).Offline);

    [Fact]
    public void VariablesFillOnlyWhatTheOptionsLeaveUnset()
    {
        var variables = new[] { ("HF_ENDPOINT", "https://mirror.example/"), ("HF_TOKEN", "hf_abc"), ("HF_HUB_OFFLINE", "1"), ("HF_HUB_CACHE", "/c") };

        var fromEnvironment = From(new RemBertHubOptions(), variables);
        var fromOptions = From(new RemBertHubOptions { Endpoint = "http://127.0.0.1:9", Token = "", Offline = false, CacheDirectory = "/d" }, variables);

        Assert.Equal(("https://mirror.example", "hf_abc", true, Path.GetFullPath("/c")),
            (fromEnvironment.Endpoint, fromEnvironment.Token, fromEnvironment.Offline, fromEnvironment.CacheDirectory));
        Assert.Equal(("http://127.0.0.1:9", (string?)null, false, Path.GetFullPath("/d")),
            (fromOptions.Endpoint, fromOptions.Token, fromOptions.Offline, fromOptions.CacheDirectory));
        Assert.DoesNotContain("hf_abc", fromEnvironment.ToString());
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("/main")]
    [InlineData("")]
    public void ARevisionThatWouldLeaveRefsIsRejected(string revision) =>
        Assert.Throws<ArgumentException>(() => From(new RemBertHubOptions { Revision = revision }));
}
