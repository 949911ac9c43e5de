namespace Microsoft.ML.RemBert.Cli;

/// <summary>The exit codes of every <c>rembert</c> command (docs/cli.md lists them too).</summary>
public static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Success = 0;

    /// <summary>A file or value the command was given is missing, corrupt or incompatible, or an output cannot be
    /// written (a directory, a full disk); the one-line message names the file, line, key or value.</summary>
    public const int BadInput = 1;

    /// <summary>The arguments themselves are wrong (unknown option, missing required option, impossible combination).</summary>
    public const int UsageError = 2;

    /// <summary>A bug in rembert (an unexpected exception): the message says so and is followed by the stack trace.
    /// 70 is sysexits.h's EX_SOFTWARE.</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by SIGINT (Ctrl+C): 128 + 2, as shells report it. Partial output files are deleted.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15. Partial output files are deleted.</summary>
    public const int Terminated = 143;
}
