using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// Moves tensor data between a stream and a tensor's own memory in fixed-size chunks, so neither reading
/// nor writing a checkpoint ever holds a second full copy of a tensor (let alone of the whole model).
/// </summary>
internal static class TensorBytes
{
    /// <summary>Bytes moved per chunk: large enough for sequential IO speed, small enough to be irrelevant to memory.</summary>
    private const int ChunkBytes = 4 << 20;

    /// <summary>
    /// Fills <paramref name="destination"/> with the checkpoint data for <paramref name="source"/> read from
    /// <paramref name="data"/> (positioned at the tensor's first byte), converting type and device when they differ.
    /// </summary>
    public static void Fill(torch.Tensor destination, CheckpointTensorInfo source, Stream data)
    {
        using var noGrad = torch.no_grad();
        if (destination.dtype == source.DType && destination.device_type == DeviceType.CPU && destination.is_contiguous())
        {
            ReadInto(data, destination, source);
            return;
        }
        // Another type or device: stage this one tensor on the CPU in the file's type, then let libtorch convert.
        using var staging = torch.empty(source.Shape.ToArray(), source.DType);
        ReadInto(data, staging, source);
        destination.copy_(staging);
    }

    /// <summary>Reads exactly the bytes of a contiguous CPU tensor from <paramref name="data"/>.</summary>
    public static void ReadInto(Stream data, torch.Tensor contiguousCpu, CheckpointTensorInfo source)
    {
        ForEachChunk(contiguousCpu, chunk =>
        {
            try { data.ReadExactly(chunk.bytes); }
            catch (EndOfStreamException ex)
            {
                throw new CheckpointFormatException(source.FilePath, $"the data of '{source.Key}' ends early: the file is truncated.", ex);
            }
        });
    }

    /// <summary>Writes the bytes of a tensor (moved to the CPU and made contiguous when needed) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, torch.Tensor tensor, CancellationToken cancellationToken)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        ForEachChunk(cpu, chunk =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            output.Write(chunk.bytes);
        });
    }

    /// <summary>Calls <paramref name="action"/> on consecutive 1-D views of a contiguous CPU tensor, each at most <see cref="ChunkBytes"/>.</summary>
    private static void ForEachChunk(torch.Tensor contiguousCpu, Action<torch.Tensor> action)
    {
        using var scope = torch.NewDisposeScope();
        var flat = contiguousCpu.view(-1);
        long total = flat.shape[0];
        long chunkElements = Math.Max(1, ChunkBytes / TensorDataTypes.ElementSize(contiguousCpu.dtype));
        for (long start = 0; start < total; start += chunkElements)
        {
            using var chunk = flat.narrow(0, start, Math.Min(chunkElements, total - start));
            action(chunk);
        }
    }
}
