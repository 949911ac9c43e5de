using System.Text.Json;
using Microsoft.ML.RemBert.Cli.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// Writes <c>rembert forward</c>'s outputs: one <c>{"shape": [...], "data": [flat row-major floats]}</c> per output name.
/// Non-finite values (a checkpoint with NaN/inf weights) are written as <see cref="NonFiniteJson"/> says.
/// </summary>
public static class ForwardOutputWriter
{
    private const int ValuesPerCancellationCheck = 1 << 16;

    /// <summary>Writes <paramref name="outputs"/> to <paramref name="stream"/>, stopping when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Value)> outputs, CancellationToken cancellationToken)
    {
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        foreach (var (name, value) in outputs)
        {
            json.WriteStartObject(name);
            json.WriteStartArray("shape");
            foreach (var d in value.shape) json.WriteNumberValue(d);
            json.WriteEndArray();
            json.WriteStartArray("data");
            using var values = value.to(ScalarType.Float32).cpu().contiguous();
            long written = 0;
            foreach (var x in values.data<float>())
            {
                NonFiniteJson.WriteNumber(json, x);
                if (++written % ValuesPerCancellationCheck != 0) continue;
                json.Flush(); // the writer buffers until flushed: without this the whole output would sit in memory
                cancellationToken.ThrowIfCancellationRequested();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
