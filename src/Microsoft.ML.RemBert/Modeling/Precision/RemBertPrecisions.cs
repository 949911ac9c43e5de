using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>Conversions of <see cref="RemBertPrecision"/> to element types and from the names users type (CLI, config files).</summary>
public static class RemBertPrecisions
{
    /// <summary>The names <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string AcceptedNames = "float32 (fp32) or bfloat16 (bf16)";

    /// <summary>The tensor element type of <paramref name="precision"/>.</summary>
    public static ScalarType ToScalarType(this RemBertPrecision precision) => precision switch
    {
        RemBertPrecision.Float32 => ScalarType.Float32,
        RemBertPrecision.BFloat16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, $"Unknown precision {precision}."),
    };

    /// <summary>The precision whose element type is <paramref name="dtype"/>; null for any other type (e.g. float16).</summary>
    public static RemBertPrecision? FromScalarType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => RemBertPrecision.Float32,
        ScalarType.BFloat16 => RemBertPrecision.BFloat16,
        _ => null,
    };

    /// <summary>
    /// Parses <c>float32</c>/<c>fp32</c> or <c>bfloat16</c>/<c>bf16</c> (any case), as transformers' <c>torch_dtype</c>
    /// names them. The one parser of the CLI's <c>--precision</c>, so every command accepts the same spellings.
    /// </summary>
    /// <exception cref="ArgumentException">Any other text; the message quotes it and lists the accepted names.</exception>
    public static RemBertPrecision Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" => RemBertPrecision.Float32,
        "bfloat16" or "bf16" => RemBertPrecision.BFloat16,
        _ => throw new ArgumentException($"'{text}' is not a precision; use {AcceptedNames}.", nameof(text)),
    };
}
