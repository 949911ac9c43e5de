using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Named tensors (a model's state dict) inside a <see cref="VersionedEntry"/> body, streamed between libtorch's
/// memory and the entry stream in <see cref="BinaryPayloads.ChunkBytes"/> pieces, so RemBERT's 2.3 GB of fp32
/// weights go into one zip entry without a managed copy. Layout:
/// <code>
///   int32   Count
///   Count × tensor:
///     string  Name        state-dict key, e.g. "rembert.embeddings.word_embeddings.weight"
///     int32   DType       TorchSharp ScalarType value
///     int32   Rank
///     int64[Rank] Shape
///     payload Data        int64 byte length + the tensor's contiguous row-major bytes (BinaryPayloads.WriteLarge)
/// </code>
/// </summary>
internal static class TensorPayloads
{
    /// <summary>Writes <paramref name="tensors"/> in the given order.</summary>
    public static void WriteTensors(this BinaryWriter writer, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            using var scope = NewDisposeScope();
            // WriteBytesToStream reads raw storage: it needs a contiguous CPU tensor.
            var source = tensor.device_type == DeviceType.CPU && tensor.is_contiguous() ? tensor : tensor.cpu().contiguous();
            writer.Write(name);
            writer.Write((int)source.dtype);
            writer.Write(source.shape.Length);
            foreach (long dimension in source.shape)
                writer.Write(dimension);
            writer.WriteLarge(source.numel() * source.element_size(), stream => source.WriteBytesToStream(stream, BinaryPayloads.ChunkBytes));
        }
    }

    /// <summary>
    /// Reads tensors written by <see cref="WriteTensors"/> into the existing tensors of <paramref name="targets"/>
    /// (e.g. a freshly built module's named parameters and buffers), checking that every target is filled exactly
    /// once with the same dtype and shape. Errors name the tensor.
    /// </summary>
    public static void ReadTensorsInto(this BinaryReader reader, IReadOnlyDictionary<string, Tensor> targets)
    {
        int count = reader.ReadInt32();
        if (count < 0)
            throw new InvalidDataException($"Negative tensor count {count}.");
        var filled = new HashSet<string>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
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
            if (target.dtype != dtype || !target.shape.SequenceEqual(shape))
                throw new InvalidDataException(
                    $"Tensor '{name}' was saved as {dtype} [{string.Join(", ", shape)}] but the model has {target.dtype} [{string.Join(", ", target.shape)}].");
            if (target.device_type != DeviceType.CPU || !target.is_contiguous())
                throw new InvalidOperationException($"Tensor '{name}' must be a contiguous CPU tensor to be loaded in place; move the model to the CPU first.");

            reader.ReadLarge($"Tensor '{name}'", (stream, length) =>
            {
                long expected = target.numel() * target.element_size();
                if (length != expected)
                    throw new InvalidDataException($"Tensor '{name}' holds {length} bytes; its shape needs {expected}.");
                target.ReadBytesFromStream(stream, BinaryPayloads.ChunkBytes);
            });
        }

        var missing = targets.Keys.Where(name => !filled.Contains(name)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"Missing tensors: {string.Join(", ", missing)}.");
    }
}
