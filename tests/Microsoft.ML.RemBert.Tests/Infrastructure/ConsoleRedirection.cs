using Microsoft.ML.RemBert.Cli;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Infrastructure;

/// <summary>
/// Runs the CLI's Program.Main with stderr captured. Console.Error is process-wide, so every test class that calls
/// Program.Main joins this collection and xunit runs them one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleRedirection
{
    public const string Name = "Program.Main (redirects the console)";

    public static (int ExitCode, string StandardError) RunMain(string[] args)
    {
        var saved = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try { return (Program.Main(args), error.ToString()); }
        finally { Console.SetError(saved); }
    }
}
