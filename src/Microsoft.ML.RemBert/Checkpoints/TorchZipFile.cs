using System.IO.Compression;
using System.Text;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// A <c>pytorch_model.bin</c> written by torch.save (PyTorch ≥ 1.6 zip format): <c>PREFIX/data.pkl</c> describes
/// the state dict and each storage's bytes are the entry <c>PREFIX/data/KEY</c>. Opening reads only data.pkl; each
/// tensor is then streamed from its own entry into its destination.
/// </summary>
/// <remarks>
/// TorchSharp.PyBridge 1.4.4's <c>load_py</c> also streams these files (the ModelThroughput benchmark measures the same
/// peak memory for both), but it can only copy into exactly matching keys. This reader exposes every key's type and
/// shape before any data is read, which the loader needs for prefix mapping and for checking every shape before it
/// touches the model, and it refuses any pickled global a state dict does not need.
/// </remarks>
internal sealed class TorchZipFile : ICheckpointFile
{
    private const string PickleEntryName = "data.pkl";
    private const string ByteOrderEntryName = "byteorder";

    /// <summary>
    /// The largest data.pkl read into memory. A state dict's pickle holds only names and shapes (google/rembert's is
    /// under 100 KB); a larger one is a decompression bomb or not a checkpoint.
    /// </summary>
    public const long MaxPickleBytes = 64L << 20;
    private static readonly byte[] ZipLocalHeaderSignature = "PK\u0003\u0004"u8.ToArray();

    private readonly ZipArchive _archive;
    private readonly Dictionary<string, (TorchPickledTensor Pickled, ZipArchiveEntry Entry)> _tensors;

    private TorchZipFile(string path, ZipArchive archive, List<CheckpointTensorInfo> infos,
        Dictionary<string, (TorchPickledTensor, ZipArchiveEntry)> tensors)
    {
        FilePath = path;
        _archive = archive;
        Tensors = infos;
        _tensors = tensors;
    }

    /// <inheritdoc/>
    public string FilePath { get; }

    /// <inheritdoc/>
    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <summary>True when the file starts with a zip signature (the torch.save format); false for anything else.</summary>
    public static bool LooksLikeZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[ZipLocalHeaderSignature.Length];
        return stream.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false) == signature.Length
            && signature.SequenceEqual(ZipLocalHeaderSignature);
    }

    /// <summary>Opens <paramref name="path"/> and reads its state-dict description.</summary>
    public static TorchZipFile Open(string path)
    {
        if (!LooksLikeZip(path))
            throw new CheckpointFormatException(path, "not a zip archive, so not a torch.save checkpoint (legacy pre-1.6 torch.save files are not supported; re-save with a current PyTorch or use safetensors).");
        ZipArchive archive;
        try { archive = ZipFile.OpenRead(path); }
        catch (InvalidDataException ex)
        {
            throw new CheckpointFormatException(path, $"the zip archive is damaged or truncated ({ex.Message}).", ex);
        }
        try
        {
            var (infos, tensors) = ReadIndex(path, archive);
            return new TorchZipFile(path, archive, infos, tensors);
        }
        catch (InvalidDataException ex)
        {
            // The central directory is read lazily, so a damaged one surfaces here rather than in OpenRead.
            archive.Dispose();
            throw new CheckpointFormatException(path, $"the zip archive is damaged ({ex.Message}).", ex);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void ReadInto(CheckpointTensorInfo tensor, torch.Tensor destination)
    {
        try { ReadView(tensor, destination); }
        catch (InvalidDataException ex)
        {
            throw new CheckpointFormatException(FilePath, $"the data of '{tensor.Key}' is damaged ({ex.Message}).", ex);
        }
    }

    private void ReadView(CheckpointTensorInfo tensor, torch.Tensor destination)
    {
        var (pickled, entry) = _tensors[tensor.Key];
        using var data = OpenEntry(FilePath, entry);
        int elementSize = TensorDataTypes.ElementSize(tensor.DType);
        if (pickled.Strides.SequenceEqual(TensorShapes.ContiguousStrides(pickled.Shape)))
        {
            // The usual case: the tensor is one contiguous run of its storage.
            Skip(data, pickled.StorageOffset * elementSize, tensor);
            CheckpointTensorData.Fill(destination, tensor, data);
            return;
        }
        // A strided view (e.g. a transposed weight saved without .contiguous()): stage the storage, view it, copy.
        var storageInfo = tensor with { Shape = new[] { pickled.Storage.ElementCount } };
        using var scope = torch.NewDisposeScope();
        var storage = torch.empty(pickled.Storage.ElementCount, tensor.DType);
        CheckpointTensorData.ReadInto(data, storage, storageInfo);
        using var noGrad = torch.no_grad();
        destination.copy_(storage.as_strided(pickled.Shape, pickled.Strides, pickled.StorageOffset));
    }

    /// <inheritdoc/>
    public void Dispose() => _archive.Dispose();

    private static (List<CheckpointTensorInfo>, Dictionary<string, (TorchPickledTensor, ZipArchiveEntry)>) ReadIndex(string path, ZipArchive archive)
    {
        var pickleEntry = archive.Entries.FirstOrDefault(e => e.Name == PickleEntryName && e.FullName.Count(c => c == '/') <= 1)
            ?? throw new CheckpointFormatException(path, $"the zip archive has no {PickleEntryName}, so it is not a torch.save checkpoint (entries: {string.Join(", ", archive.Entries.Take(5).Select(e => e.FullName))}).");
        string prefix = pickleEntry.FullName[..^PickleEntryName.Length];
        CheckByteOrder(path, archive, prefix);

        using var pickle = ReadPickle(path, pickleEntry);
        var stateDict = TorchPickleReader.ReadStateDict(pickle, path);

        var infos = new List<CheckpointTensorInfo>(stateDict.Count);
        var tensors = new Dictionary<string, (TorchPickledTensor, ZipArchiveEntry)>(StringComparer.Ordinal);
        foreach (var (key, pickled) in stateDict)
        {
            string entryName = $"{prefix}data/{pickled.Storage.Key}";
            var entry = archive.GetEntry(entryName)
                ?? throw new CheckpointFormatException(path, $"key '{key}' refers to storage entry '{entryName}', which is not in the archive.");
            CheckStorageBounds(path, key, pickled, entry);
            var info = new CheckpointTensorInfo(key, pickled.Storage.DType, pickled.Shape, path);
            infos.Add(info);
            tensors[key] = (pickled, entry);
        }
        return (infos, tensors);
    }

    private static MemoryStream ReadPickle(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > MaxPickleBytes)
            throw new CheckpointFormatException(path, $"entry '{entry.FullName}' is {entry.Length} bytes, over the {MaxPickleBytes}-byte limit for a state dict's pickle.");
        var pickle = new MemoryStream();
        using (var entryStream = OpenEntry(path, entry))
        {
            try { entryStream.CopyTo(pickle); }
            catch (InvalidDataException ex)
            {
                throw new CheckpointFormatException(path, $"entry '{entry.FullName}' is damaged ({ex.Message}).", ex);
            }
        }
        pickle.Position = 0;
        return pickle;
    }

    /// <summary>
    /// Checks a pickled view before anything trusts it: no negative size, offset or stride, a shape and strides of the
    /// same rank, no overflow in its element count or extent, and every element inside the storage's entry.
    /// </summary>
    private static void CheckStorageBounds(string path, string key, TorchPickledTensor pickled, ZipArchiveEntry entry)
    {
        CheckpointFormatException Fail(string problem) => new(path, $"key '{key}' {problem}");
        var shape = TensorShapes.Format(pickled.Shape);
        if (pickled.Shape.Length != pickled.Strides.Length)
            throw Fail($"has shape {shape} but strides {TensorShapes.Format(pickled.Strides)} of another rank.");
        if (pickled.Shape.Any(d => d < 0))
            throw Fail($"has a negative dimension in shape {shape}.");
        if (pickled.StorageOffset < 0)
            throw Fail($"has negative storage offset {pickled.StorageOffset}.");
        if (pickled.Strides.Any(s => s < 0))
            throw Fail($"has a negative stride in {TensorShapes.Format(pickled.Strides)}.");
        long elementSize = TensorDataTypes.ElementSize(pickled.Storage.DType);
        if (!TensorShapes.TryByteLength(pickled.Shape, elementSize, out _))
            throw Fail($"has shape {shape}, whose size in bytes overflows 64 bits.");
        long needed;
        try
        {
            checked
            {
                long lastElement = pickled.StorageOffset;
                for (int i = 0; i < pickled.Shape.Length; i++)
                    lastElement += Math.Max(0, pickled.Shape[i] - 1) * pickled.Strides[i];
                needed = TensorShapes.ElementCount(pickled.Shape) == 0 ? 0 : (lastElement + 1) * elementSize;
            }
        }
        catch (OverflowException)
        {
            throw Fail($"views storage '{pickled.Storage.Key}' at offset {pickled.StorageOffset} with shape {shape} and strides {TensorShapes.Format(pickled.Strides)}, an extent that overflows 64 bits.");
        }
        long storageBytes = pickled.Storage.ElementCount * elementSize; // cannot overflow: the pickle reader checked it
        if (needed > storageBytes)
            throw Fail($"views {needed} bytes of storage '{pickled.Storage.Key}' (offset {pickled.StorageOffset}, shape {shape}, strides {TensorShapes.Format(pickled.Strides)}), which holds only {pickled.Storage.ElementCount} elements ({storageBytes} bytes).");
        if (entry.Length < needed || entry.Length < storageBytes)
            throw Fail($"needs {Math.Max(needed, storageBytes)} bytes of storage entry '{entry.FullName}', which has {entry.Length}: the file is truncated or damaged.");
    }

    private static void CheckByteOrder(string path, ZipArchive archive, string prefix)
    {
        var entry = archive.GetEntry(prefix + ByteOrderEntryName);
        if (entry is null) return; // older torch.save: always little-endian
        using var reader = new StreamReader(OpenEntry(path, entry), Encoding.ASCII);
        string order = reader.ReadToEnd().Trim();
        if (order != "little")
            throw new CheckpointFormatException(path, $"tensors are stored {order}-endian; only little-endian checkpoints are supported.");
    }

    private static Stream OpenEntry(string path, ZipArchiveEntry entry)
    {
        try { return entry.Open(); }
        catch (InvalidDataException ex)
        {
            throw new CheckpointFormatException(path, $"entry '{entry.FullName}' cannot be opened ({ex.Message}).", ex);
        }
    }

    private static void Skip(Stream data, long bytes, CheckpointTensorInfo tensor)
    {
        if (bytes == 0) return;
        if (data.CanSeek) { data.Seek(bytes, SeekOrigin.Current); return; }
        var buffer = new byte[Math.Min(bytes, 1 << 16)];
        for (long left = bytes; left > 0;)
        {
            int read = data.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
            if (read == 0) throw new CheckpointFormatException(tensor.FilePath, $"the storage of '{tensor.Key}' ends before its offset.");
            left -= read;
        }
    }
}
