using System.Text;
using System.Text.Json;
using Microsoft.ML.RemBert.IO;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Writes tensors as a <c>.safetensors</c> file that transformers and the safetensors library load.</summary>
internal static class SafeTensorsWriter
{
    /// <summary>The metadata transformers writes and checks: the tensors are PyTorch ("pt") tensors.</summary>
    public static IReadOnlyDictionary<string, string> PyTorchMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    // The safetensors library pads the header with spaces so the data starts 8-byte aligned.
    private const int HeaderAlignment = 8;

    /// <summary>
    /// Writes <paramref name="tensors"/> (key → tensor, in the given order) to <paramref name="path"/> atomically,
    /// streaming each tensor's bytes (contiguous, little-endian, its own element type) one tensor at a time.
    /// </summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        AtomicFile.Write(path, (stream, token) => WriteTo(stream, tensors, metadata, token), cancellationToken);
    }

    /// <summary>Writes the safetensors bytes of <paramref name="tensors"/> to <paramref name="output"/>, one tensor at a time.</summary>
    internal static void WriteTo(Stream output, IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors files are little-endian; this machine is not.");
        byte[] header = BuildHeader(tensors, metadata ?? PyTorchMetadata);
        output.Write(BitConverter.GetBytes((ulong)header.Length));
        output.Write(header);
        foreach (var (_, tensor) in tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TensorBytes.Write(output, tensor, cancellationToken);
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(SafeTensorsFile.MetadataKey);
            foreach (var (name, value) in metadata) writer.WriteString(name, value);
            writer.WriteEndObject();
            long offset = 0;
            foreach (var (key, tensor) in tensors)
            {
                long length = tensor.NumberOfElements * TensorDataTypes.ElementSize(tensor.dtype);
                writer.WriteStartObject(key);
                writer.WriteString("dtype", TensorDataTypes.ToSafeTensorsName(tensor.dtype));
                writer.WriteStartArray("shape");
                foreach (var dim in tensor.shape) writer.WriteNumberValue(dim);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += length;
            }
            writer.WriteEndObject();
        }
        int padding = (HeaderAlignment - (int)(json.Length % HeaderAlignment)) % HeaderAlignment;
        return json.ToArray().Concat(Enumerable.Repeat((byte)' ', padding)).ToArray();
    }
}
