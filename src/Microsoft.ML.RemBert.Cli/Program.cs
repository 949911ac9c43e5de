using System.CommandLine;

namespace Microsoft.ML.RemBert.Cli;

/// <summary>The <c>rembert</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs one command; see <see cref="ExitCodes"/> for what the result means.</summary>
    public static int Main(string[] args)
    {
        using var interruption = Interruption.Register();
        var root = new RootCommand("rembert: RemBERT for .NET. Run a transformers RemBERT checkpoint on token ids (forward), tokenize text with " +
            "its SentencePiece tokenizer (tokenize), fine-tune it on a data file (train), score a saved model (evaluate), apply a saved " +
            "ML.NET model zip to a data file (predict), pretrain one (pretrain), and export a zip's model as a transformers checkpoint (export).");
        root.Subcommands.Add(Commands.ForwardCommand.Create(interruption));
        root.Subcommands.Add(Commands.TokenizeCommand.Create(interruption));
        root.Subcommands.Add(Commands.TrainCommand.Create(interruption));
        root.Subcommands.Add(Commands.EvaluateCommand.Create(interruption));
        root.Subcommands.Add(Commands.PredictCommand.Create(interruption));
        root.Subcommands.Add(Commands.PretrainCommand.Create(interruption));
        root.Subcommands.Add(Commands.ExportCommand.Create(interruption));

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
