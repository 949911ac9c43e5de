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

    /// <summary>Builds the option, described for <paramref name="purpose"/> (e.g. "the model's weights and compute").</summary>
    /// <param name="purpose">What the precision applies to, for the help text.</param>
    /// <param name="defaultValue">The value when the option is absent; null leaves it absent (<see cref="ValueOrNull"/> gives null).</param>
    /// <param name="name">The option's name: <see cref="Name"/>, or another for a second precision of the same command.</param>
    public static Option<string> Create(string purpose, string? defaultValue = "float32", string name = Name)
    {
        var option = new Option<string>(name)
        {
            Description = $"Precision of {purpose}: {RemBertPrecisions.AcceptedNames}. bfloat16 halves memory and is about twice as fast " +
                "on CPUs with AVX512-BF16/AMX, at a small accuracy cost (see README).",
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 && defaultValue is null) return;
            try
            {
                RemBertPrecisions.Parse(result.GetValueOrDefault<string>());
            }
            catch (ArgumentException e)
            {
                result.AddError($"{name}: {e.Message}");
            }
        });
        return option;
    }

    /// <summary>The parsed value of <paramref name="option"/> (validated at parse time).</summary>
    public static RemBertPrecision Value(ParseResult parse, Option<string> option) => RemBertPrecisions.Parse(parse.GetValue(option));

    /// <summary>The parsed value of an option created without a default, or null when it was not given.</summary>
    public static RemBertPrecision? ValueOrNull(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { } text ? RemBertPrecisions.Parse(text) : null;
}
