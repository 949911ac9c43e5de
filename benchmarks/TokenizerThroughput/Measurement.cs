namespace TokenizerThroughput;

/// <summary>One timed run: tokens produced, seconds spent encoding, and the ids of one pass for comparison.</summary>
internal sealed record Measurement(string Name, long Tokens, double Seconds, int[][]? Ids, string? Error = null)
{
    public static Measurement Failed(string name, string error) => new(name, 0, 0, null, error);
}
