using System.Text.Encodings.Web;
using System.Text.Json;

namespace Microsoft.ML.RemBert.Cli.Json;

/// <summary>
/// The writer options of the JSON the CLI prints for people and scripts (predictions, metrics): text in any script is
/// written as itself (<c>"東京"</c>, not <c>"\u6771\u4EAC"</c>); quotes, backslashes and control characters are still
/// escaped, so every line stays valid JSON. Not HTML-safe, which a terminal or a JSON-lines file does not need.
/// </summary>
internal static class ReadableJson
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
