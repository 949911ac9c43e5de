using System.Text;
using Microsoft.ML.RemBert.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// Named tensors in one file of a training checkpoint (weights, AdamW's moments, the best weights), stored exactly:
/// <c>"RBSD1"</c>, int32 count, then per tensor its name, int32 element type, int32 rank, int64 × rank shape and its
/// raw little-endian bytes (<see cref="TensorBytes"/>: streamed, no second copy of a tensor in memory). Reading fills
/// existing tensors in place, so a checkpoint of another model (a name, type or shape that differs) is refused naming
/// the tensor.
/// </summary>
internal static class StateDictFile
{
    private const string Magic = "RBSD1";

    /// <summary>Writes <paramref name="tensors"/> in order.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, Tensor Tensor)> tensors, CancellationToken cancellationToken)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            writer.Write(name);
            writer.Write((int)tensor.dtype);
            writer.Write(tensor.shape.Length);
            foreach (long size in tensor.shape)
                writer.Write(size);
            writer.Flush();
            TensorBytes.Write(stream, tensor, cancellationToken);
        }
    }

    /// <summary>
    /// Reads the file <paramref name="path"/> into <paramref name="destinations"/>, which must name exactly the tensors it
    /// holds, with their element types and shapes; anything else is an <see cref="InvalidDataException"/> naming the file and tensor.
    /// </summary>
    public static void Read(string path, IReadOnlyDictionary<string, Tensor> destinations)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"{path} is not a tensor file of a training checkpoint.");
            int count = reader.ReadInt32();
            if (count != destinations.Count)
                throw new InvalidDataException($"{path} holds {count} tensors; the model being trained has {destinations.Count}.");
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var type = (ScalarType)reader.ReadInt32();
                int rank = reader.ReadInt32();
                if (rank is < 0 or > 8)
                    throw new InvalidDataException($"{path}: tensor '{name}' has rank {rank}.");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++)
                    shape[d] = reader.ReadInt64();
                if (!destinations.TryGetValue(name, out var destination))
                    throw new InvalidDataException($"{path}: tensor '{name}' is not one of the model being trained.");
                if (destination.dtype != type || !destination.shape.SequenceEqual(shape))
                    throw new InvalidDataException(
                        $"{path}: tensor '{name}' is {type} [{string.Join(", ", shape)}]; the model being trained has {destination.dtype} [{string.Join(", ", destination.shape)}].");
                TensorBytes.Fill(destination, type, stream, $"{path}: tensor '{name}'");
            }
            if (stream.Position != stream.Length)
                throw new InvalidDataException($"{path} has {stream.Length - stream.Position} bytes after its last tensor.");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} ends early: {e.Message}", e);
        }
    }
}
