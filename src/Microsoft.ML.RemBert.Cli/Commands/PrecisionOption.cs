using System.CommandLine;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// The <c>--precision</c> option of every command that loads a model (forward, predict, train): one spelling, one
/// parser (<see cref="RemBertPrecisions.Parse"/>), and a wrong value is a usage error (exit 2) found before any work.
/// </summary>
public static class PrecisionOption
{
    /// <summary>The option's name.</summary>
    public const string Name = "--precision";

    /// <summary>Builds the option, float32 by default, described for <paramref name="purpose"/> (e.g. "the model's weights and compute").</summary>
    public static Option<string> Create(string purpose)
    {
        var option = new Option<string>(Name)
        {
            Description = $"Precision of {purpose}: {RemBertPrecisions.AcceptedNames}. bfloat16 halves memory and is about twice as fast " +
                "on CPUs with AVX512-BF16/AMX, at a small accuracy cost (see README).",
            DefaultValueFactory = _ => "float32",
        };
        option.Validators.Add(result =>
        {
            try
            {
                RemBertPrecisions.Parse(result.GetValueOrDefault<string>());
            }
            catch (ArgumentException e)
            {
                result.AddError($"{Name}: {e.Message}");
            }
        });
        return option;
    }

    /// <summary>The parsed value of <paramref name="option"/> (validated at parse time).</summary>
    public static RemBertPrecision Value(ParseResult parse, Option<string> option) => RemBertPrecisions.Parse(parse.GetValue(option));
}
