namespace Microsoft.ML.RemBert.Cli;

/// <summary>The exit codes of every <c>rembert</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Success = 0;

    /// <summary>A file or value the command was given is missing, corrupt or incompatible; the message names it.</summary>
    public const int BadInput = 1;

    /// <summary>The arguments themselves are wrong (unknown option, missing required option, impossible combination).</summary>
    public const int UsageError = 2;
}
