using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Named tensors (a model's state dict) inside a <see cref="VersionedEntry"/> body, streamed between libtorch's
/// memory (any device) and the entry stream by <see cref="TensorBytes"/>, chunk by chunk, so RemBERT's 2.3 GB of
/// fp32 weights go into one zip entry without a managed copy. Layout:
/// <code>
///   int32   Count
///   Count × tensor:
///     string  Name        state-dict key, e.g. "rembert.embeddings.word_embeddings.weight"
///     int32   DType       TorchSharp ScalarType value of the stored bytes (e.g. 6 float32, 15 bfloat16)
///     int32   Rank
///     int64[Rank] Shape
///     payload Data        int64 byte length + the tensor's contiguous row-major little-endian bytes (BinaryPayloads.WriteLarge)
/// </code>
/// </summary>
internal static class TensorPayloads
{
    /// <summary>Writes <paramref name="tensors"/> in the given order, each in its own element type.</summary>
    public static void WriteTensors(this BinaryWriter writer, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            writer.Write(name);
            writer.Write((int)tensor.dtype);
            writer.Write(tensor.shape.Length);
            foreach (long dimension in tensor.shape)
                writer.Write(dimension);
            writer.WriteLarge(TensorBytes.ByteLength(tensor), stream => TensorBytes.Write(stream, tensor));
        }
    }

    /// <summary>
    /// Reads tensors written by <see cref="WriteTensors"/> into the existing tensors of <paramref name="targets"/>
    /// (e.g. a freshly built module's named parameters and buffers, on any device), checking that every target is
    /// filled exactly once with the same shape; a stored element type other than the target's is converted, as
    /// the checkpoint loader does. Errors name the tensor.
    /// </summary>
    public static void ReadTensorsInto(this BinaryReader reader, IReadOnlyDictionary<string, Tensor> targets)
    {
        int count = reader.ReadInt32();
        if (count < 0)
            throw new InvalidDataException($"Negative tensor count {count}.");
        var filled = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            if (!Enum.IsDefined(dtype))
                throw new InvalidDataException($"Tensor '{name}': unknown element type {(int)dtype}.");
            int rank = reader.ReadInt32();
            if (rank < 0)
                throw new InvalidDataException($"Tensor '{name}': negative rank {rank}.");
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++)
                shape[d] = reader.ReadInt64();

            if (!targets.TryGetValue(name, out var target))
                throw new InvalidDataException($"Tensor '{name}' is not a parameter or buffer of the model being loaded.");
            if (!filled.Add(name))
                throw new InvalidDataException($"Tensor '{name}' appears twice.");
            if (!target.shape.SequenceEqual(shape))
                throw new InvalidDataException(
                    $"Tensor '{name}' was saved as {dtype} [{string.Join(", ", shape)}] but the model has {target.dtype} [{string.Join(", ", target.shape)}].");

            reader.ReadLarge($"Tensor '{name}'", (stream, length) =>
            {
                long expected = target.numel() * ElementSize(dtype, name);
                if (length != expected)
                    throw new InvalidDataException($"Tensor '{name}' holds {length} bytes; {dtype} [{string.Join(", ", shape)}] needs {expected}.");
                TensorBytes.Fill(target, dtype, stream, $"Tensor '{name}'");
            });
        }

        var missing = targets.Keys.Where(name => !filled.Contains(name)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"Missing tensors: {string.Join(", ", missing)}.");
    }

    private static long ElementSize(ScalarType dtype, string name)
    {
        try
        {
            return TensorDataTypes.ElementSize(dtype);
        }
        catch (NotSupportedException ex)
        {
            throw new InvalidDataException($"Tensor '{name}': {ex.Message}", ex);
        }
    }
}
