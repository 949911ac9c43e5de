namespace MLNetPipelines.WebApi;

/// <summary>A request the API refuses: answered as <c>{"error": Message}</c> with <see cref="Status"/>.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
