using System.Text.Json;

namespace Microsoft.ML.RemBert.Cli.Json;

/// <summary>
/// The one rule for floats in every JSON the CLI writes: JSON has no NaN or infinity, so those are written as the strings
/// <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> — what System.Text.Json writes and reads back with
/// <c>JsonNumberHandling.AllowNamedFloatingPointLiterals</c>, and what Python's <c>float()</c> accepts. Finite values are numbers.
/// </summary>
public static class NonFiniteJson
{
    /// <summary>Writes <paramref name="value"/> as a number, or as the string naming it when it is not finite.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>Single-precision overload: a float is written with its own shortest round-trip digits, not a double's.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value)) writer.WriteNumberValue(value);
        else WriteNumber(writer, (double)value);
    }
}
