using System.Globalization;

namespace GcStress;

/// <summary>The command line: --minutes (all four workloads together, default 10) and --layers (default 2).</summary>
internal sealed record StressOptions(double Minutes, int Layers)
{
    public static StressOptions Parse(string[] args)
    {
        double minutes = 10;
        int layers = 2;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--minutes":
                    var minutesText = Value();
                    if (!double.TryParse(minutesText, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes) || !(minutes > 0))
                        throw new ArgumentException($"--minutes must be a positive number, not '{minutesText}'.");
                    break;
                case "--layers":
                    var layersText = Value();
                    if (!int.TryParse(layersText, NumberStyles.Integer, CultureInfo.InvariantCulture, out layers) || layers < 1)
                        throw new ArgumentException($"--layers must be a whole number of at least 1, not '{layersText}'.");
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: GcStress [--minutes M] [--layers L]");
            }
        }
        return new StressOptions(minutes, layers);
    }
}
