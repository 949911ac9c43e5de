using TorchSharp;

namespace Microsoft.ML.RemBert.IO;

/// <summary>
/// The one tensor streamer: moves a tensor's raw bytes (contiguous, row-major, little-endian, its own element type)
/// between a stream and libtorch memory in fixed-size chunks, so neither writing nor reading a checkpoint file or an
/// ML.NET zip entry holds a second full copy of a tensor, nor any managed array (RemBERT's largest tensor is 1 GB,
/// its weights 2.3 GB). Any device and element type: tensors off the CPU or of another type are converted by
/// libtorch one tensor at a time. Used by the checkpoint readers and writer and by the ML.NET persistence layer.
/// </summary>
internal static class TensorBytes
{
    /// <summary>Bytes moved per chunk: large enough for sequential IO speed, small enough to be irrelevant to memory.</summary>
    public const int ChunkBytes = 4 << 20;

    /// <summary>The number of bytes <see cref="Write"/> writes for <paramref name="tensor"/>.</summary>
    public static long ByteLength(torch.Tensor tensor) => tensor.numel() * tensor.element_size();

    /// <summary>
    /// Writes the bytes of <paramref name="tensor"/> (on any device, contiguous or not) to <paramref name="output"/>;
    /// a tensor off the CPU or not contiguous is copied to a contiguous CPU tensor first (that one tensor only).
    /// </summary>
    public static void Write(Stream output, torch.Tensor tensor, CancellationToken cancellationToken = default)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Tensor data is stored little-endian; this machine is not.");
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        ForEachChunk(cpu, chunk =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            output.Write(chunk.bytes);
        });
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes of a tensor of element type <paramref name="sourceType"/>
    /// and <paramref name="destination"/>'s element count read from <paramref name="data"/> (positioned at its first
    /// byte), converting element type and device when they differ. <paramref name="what"/> names the tensor when the
    /// data ends early (<see cref="EndOfStreamException"/>).
    /// </summary>
    public static void Fill(torch.Tensor destination, torch.ScalarType sourceType, Stream data, string what)
    {
        using var noGrad = torch.no_grad();
        if (destination.dtype == sourceType && destination.device_type == DeviceType.CPU && destination.is_contiguous())
        {
            ReadInto(data, destination, what);
            return;
        }
        if (!destination.is_contiguous())
        {
            // Rare (our models' parameters are contiguous): stage this one tensor on the CPU in the stored type.
            using var whole = torch.empty(destination.shape, sourceType);
            ReadInto(data, whole, what);
            destination.copy_(whole);
            return;
        }
        // Another type or device: one chunk-sized buffer in the stored type, converted into the destination chunk by chunk,
        // so a bfloat16 load of float32 weights never holds a float32 copy of a whole tensor (google/rembert's largest is 1 GB).
        using var scope = torch.NewDisposeScope();
        var flat = destination.view(-1);
        long total = flat.shape[0];
        long chunkElements = Math.Max(1, ChunkBytes / Checkpoints.TensorDataTypes.ElementSize(sourceType));
        var staging = torch.empty(Math.Min(chunkElements, Math.Max(total, 1)), sourceType);
        long totalBytes = total * Checkpoints.TensorDataTypes.ElementSize(sourceType);
        for (long start = 0; start < total; start += chunkElements)
        {
            long count = Math.Min(chunkElements, total - start);
            using var part = staging.narrow(0, 0, count);
            ReadExactly(data, part.bytes, what, totalBytes);
            using var target = flat.narrow(0, start, count);
            target.copy_(part);
        }
    }

    /// <summary>Reads exactly the bytes of a contiguous CPU tensor from <paramref name="data"/>.</summary>
    public static void ReadInto(Stream data, torch.Tensor contiguousCpu, string what) =>
        ForEachChunk(contiguousCpu, chunk => ReadExactly(data, chunk.bytes, what, ByteLength(contiguousCpu)));

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="data"/>; an early end names the tensor and its full size.</summary>
    private static void ReadExactly(Stream data, Span<byte> buffer, string what, long tensorBytes)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Tensor data is stored little-endian; this machine is not.");
        try
        {
            data.ReadExactly(buffer);
        }
        catch (EndOfStreamException ex)
        {
            throw new EndOfStreamException($"{what}: the data ends before the tensor's {tensorBytes} bytes do.", ex);
        }
    }

    /// <summary>Calls <paramref name="action"/> on consecutive 1-D views of a contiguous CPU tensor, each at most <see cref="ChunkBytes"/>.</summary>
    private static void ForEachChunk(torch.Tensor contiguousCpu, Action<torch.Tensor> action)
    {
        using var scope = torch.NewDisposeScope();
        var flat = contiguousCpu.view(-1);
        long total = flat.shape[0];
        long chunkElements = Math.Max(1, ChunkBytes / contiguousCpu.element_size());
        for (long start = 0; start < total; start += chunkElements)
        {
            using var chunk = flat.narrow(0, start, Math.Min(chunkElements, total - start));
            action(chunk);
        }
    }
}
