using System.Runtime.InteropServices;

namespace Microsoft.ML.RemBert.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into cancellation of the running command instead of an immediate exit, so that a
/// command stops at its next check, deletes its partial output file and exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly List<PosixSignalRegistration> registrations = [];
    private PosixSignal? received;

    private Interruption() { }

    /// <summary>An interruption that is never signalled (commands run from code or tests).</summary>
    public static Interruption None() => new();

    /// <summary>Listens for SIGINT and SIGTERM until disposed.</summary>
    public static Interruption Register()
    {
        var interruption = new Interruption();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            interruption.registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // keep running until the command has cleaned up
                interruption.received ??= context.Signal;
                interruption.source.Cancel();
            }));
        return interruption;
    }

    /// <summary>Cancelled when a signal arrives.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>The signal that arrived, for messages ("SIGTERM"), or null.</summary>
    public string? SignalName => received?.ToString();

    /// <summary><see cref="ExitCodes.Terminated"/> after SIGTERM, else <see cref="ExitCodes.Interrupted"/>.</summary>
    public int ExitCode => received == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Stops listening: a signal after this ends the process as usual.</summary>
    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
        source.Dispose();
    }
}
