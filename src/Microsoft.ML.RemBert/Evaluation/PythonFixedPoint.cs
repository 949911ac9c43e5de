using System.Globalization;

namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Formats a double with a fixed number of decimals exactly as Python's <c>format(x, ".Nf")</c>: correctly
/// rounded from the exact binary value, ties to even (.NET rounds exact ties away from zero: 0.125 → "0.13",
/// Python gives "0.12").
/// </summary>
internal static class PythonFixedPoint
{
    public static string Format(double value, int digits)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        var format = "F" + digits.ToString(CultureInfo.InvariantCulture);
        if (!IsExactTie(value, digits))
            return value.ToString(format, CultureInfo.InvariantCulture);
        // An exact tie has few significant digits, so the decimal conversion is exact.
        return Math.Round((decimal)value, digits, MidpointRounding.ToEven).ToString(format, CultureInfo.InvariantCulture);
    }

    // True when the exact decimal expansion ends with a 5 just after the last printed digit.
    private static bool IsExactTie(double value, int digits)
    {
        if (Math.Abs(value) >= 1e15 || digits > 20)
            return false;
        var exact = value.ToString("F" + (digits + 60).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var tail = exact[(exact.IndexOf('.') + digits + 1)..];
        return tail[0] == '5' && tail.AsSpan(1).TrimEnd('0').IsEmpty;
    }
}
