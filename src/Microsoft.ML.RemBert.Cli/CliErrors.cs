using System.Reflection;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Cli;

/// <summary>
/// How every command ends when it throws. Errors about what the user gave — our own exception types and file-system
/// errors about a path — print one line <c>rembert COMMAND: message</c> and exit with <see cref="ExitCodes.BadInput"/>,
/// wherever they sit in the chain of inner exceptions (ML.NET wraps errors raised in loaders and on its worker threads).
/// A cancellation by SIGINT/SIGTERM exits with <see cref="Interruption.ExitCode"/>. Anything else is a bug: it prints
/// the stack trace and exits with <see cref="ExitCodes.InternalError"/>, rather than passing for bad input.
/// </summary>
public static class CliErrors
{
    /// <summary>Bounds the walk over inner exceptions (a malicious or buggy chain could be cyclic).</summary>
    private const int MaxChainLength = 64;

    /// <summary>Runs <paramref name="action"/> and returns <see cref="ExitCodes.Success"/>, or the exit code of what it threw.</summary>
    public static int Run(string command, TextWriter error, Interruption interruption, Action action) =>
        Run(command, error, interruption, () => { action(); return ExitCodes.Success; });

    /// <summary>Runs <paramref name="action"/> and returns its exit code, or the exit code of what it threw (messages go to <paramref name="error"/>).</summary>
    public static int Run(string command, TextWriter error, Interruption interruption, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (interruption.Token.IsCancellationRequested && Chain(e).Any(x => x is OperationCanceledException))
        {
            error.WriteLine($"rembert {command}: interrupted by {interruption.SignalName ?? "a signal"}; no partial output file is left.");
            return interruption.ExitCode;
        }
        catch (Exception e) when (Chain(e).FirstOrDefault(IsUserError) is { } cause)
        {
            error.WriteLine($"rembert {command}: {OneLine(cause.Message)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            error.WriteLine($"rembert {command}: internal error (a bug in rembert; please report it with what follows):");
            error.WriteLine(e);
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The exception and its inner exceptions, outermost first, every branch of an <see cref="AggregateException"/> included.</summary>
    public static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Queue<Exception>([e]);
        for (int seen = 0; pending.Count > 0 && seen < MaxChainLength; seen++)
        {
            var current = pending.Dequeue();
            yield return current;
            if (current is AggregateException aggregate) foreach (var inner in aggregate.InnerExceptions) pending.Enqueue(inner);
            else if (current.InnerException is { } inner) pending.Enqueue(inner);
        }
    }

    /// <summary>
    /// Our own types (the checkpoint, config, model-zip and file refusals; <see cref="InvalidDataException"/>, which our
    /// readers throw for malformed data) and file-system errors (missing file or directory, no permission, a full disk).
    /// Not <see cref="InvalidOperationException"/>/<see cref="ArgumentException"/> in general: the commands convert the
    /// ones that mean bad input where they call the library. Reflection's own wrapper is never the cause.
    /// </summary>
    public static bool IsUserError(Exception e) => e is not TargetInvocationException
        && e is IOException or InvalidDataException or UnauthorizedAccessException or RemBertConfigException or CheckpointShapeMismatchException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
