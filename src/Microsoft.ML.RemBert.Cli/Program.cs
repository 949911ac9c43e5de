using System.CommandLine;

namespace Microsoft.ML.RemBert.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("rembert: RemBERT for .NET. Run a transformers RemBERT checkpoint on token ids (forward), tokenize text with " +
            "its SentencePiece tokenizer (tokenize), apply a saved ML.NET model zip to a data file (predict), and see " +
            "it all end to end (demo).");
        root.Subcommands.Add(Commands.ForwardCommand.Create());
        root.Subcommands.Add(Commands.TokenizeCommand.Create());
        root.Subcommands.Add(Commands.PredictCommand.Create());
        root.Subcommands.Add(Commands.DemoCommand.Create());

        var parsed = root.Parse(args);
        // One convention for all commands: wrong arguments print what is wrong and exit with 2, before any work.
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"rembert: {error.Message}");
            Console.Error.WriteLine("Run 'rembert --help' (or 'rembert COMMAND --help') for usage.");
            return ExitCodes.UsageError;
        }
        return parsed.Invoke();
    }
}
