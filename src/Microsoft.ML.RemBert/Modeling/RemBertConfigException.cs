namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// A <see cref="RemBertConfig"/> field holds a value the model cannot be built from, or a config.json cannot be read.
/// The message names the source (file or "RemBertConfig"), the field (its config.json key) and the value at fault.
/// </summary>
public sealed class RemBertConfigException : Exception
{
    /// <summary>Creates the exception for one field of one source.</summary>
    public RemBertConfigException(string source, string field, string? value, string problem, Exception? inner = null)
        : base($"{source}: field '{field}' = {value ?? "null"}: {problem}", inner)
    {
        Source = source;
        Field = field;
        Value = value;
    }

    /// <summary>The config.json path, or "RemBertConfig" for a configuration built in code.</summary>
    public new string Source { get; }

    /// <summary>The config.json key of the field at fault.</summary>
    public string Field { get; }

    /// <summary>The offending value as text (JSON text for values read from a file).</summary>
    public string? Value { get; }
}
