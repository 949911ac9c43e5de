using System.Reflection;
using System.Text.Json;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Cli;

/// <summary>
/// Turns the errors a command expects (bad files, bad values, incompatible models) into one line
/// <c>rembert COMMAND: message</c> and <see cref="ExitCodes.BadInput"/>, instead of a stack trace.
/// </summary>
internal static class CliErrors
{
    public static int Run(string command, TextWriter error, Action action) =>
        Run(command, error, () => { action(); return ExitCodes.Success; });

    public static int Run(string command, TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserError(Innermost(e)))
        {
            // ML.NET wraps errors raised in loaders (reflection) and on its worker threads: the cause is the innermost,
            // and a wrapper's own message (other than reflection's) says where it happened.
            var cause = Innermost(e);
            bool wrapped = cause != e && e is not TargetInvocationException;
            error.WriteLine(wrapped ? $"rembert {command}: {e.Message}: {cause.Message}" : $"rembert {command}: {cause.Message}");
            return ExitCodes.BadInput;
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static bool IsUserError(Exception e) => e is IOException or InvalidDataException or UnauthorizedAccessException
        or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or JsonException
        or RemBertConfigException;
}
