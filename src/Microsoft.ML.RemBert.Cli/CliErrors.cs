namespace Microsoft.ML.RemBert.Cli;

/// <summary>Turns the errors a command expects (bad files, bad values) into one line on stderr and exit code 1.</summary>
internal static class CliErrors
{
    public const int Success = 0;
    public const int BadInput = 1;

    public static int Run(Action action)
    {
        try
        {
            action();
            return Success;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException
                                      or ArgumentException or FormatException or System.Text.Json.JsonException
                                      or Modeling.RemBertConfigException or Checkpoints.CheckpointShapeMismatchException)
        {
            Console.Error.WriteLine($"rembert: {e.Message}");
            return BadInput;
        }
    }
}
