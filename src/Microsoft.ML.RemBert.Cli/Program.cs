using System.CommandLine;

namespace Microsoft.ML.RemBert.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("rembert: RemBERT for .NET (forward passes, tokenization, training).");
        root.Subcommands.Add(Commands.ForwardCommand.Create());
        root.Subcommands.Add(Commands.TokenizeCommand.Create());
        root.Subcommands.Add(Commands.PredictCommand.Create());
        root.Subcommands.Add(Commands.DemoCommand.Create());
        return root.Parse(args).Invoke();
    }
}
