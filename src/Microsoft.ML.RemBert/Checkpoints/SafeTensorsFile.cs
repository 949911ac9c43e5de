using System.Text.Json;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// A <c>.safetensors</c> file: an 8-byte little-endian header length, a JSON header mapping each key to
/// dtype, shape and byte range, then the raw little-endian data. Only the header is read when opening;
/// each tensor is streamed from its byte range into its destination when asked for.
/// </summary>
internal sealed class SafeTensorsFile : ICheckpointFile
{
    /// <summary>The reserved header entry holding string metadata rather than a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Size of the little-endian unsigned header-length prefix.</summary>
    public const int LengthPrefixBytes = sizeof(ulong);

    // safetensors itself refuses headers above 100 MB; a larger value means the file is not safetensors.
    private const long MaxHeaderBytes = 100_000_000;

    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly Dictionary<string, long> _offsets;

    private SafeTensorsFile(string path, FileStream stream, long dataStart, List<CheckpointTensorInfo> tensors,
        Dictionary<string, long> offsets, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _stream = stream;
        _dataStart = dataStart;
        Tensors = tensors;
        _offsets = offsets;
        Metadata = metadata;
    }

    /// <inheritdoc/>
    public string FilePath { get; }

    /// <inheritdoc/>
    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> strings (transformers writes <c>format: pt</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/> and parses and validates its header.</summary>
    public static SafeTensorsFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        try
        {
            long fileLength = stream.Length;
            if (fileLength < LengthPrefixBytes)
                throw new CheckpointFormatException(path, $"{fileLength} bytes is too short for a safetensors file (it needs at least the {LengthPrefixBytes}-byte header length).");
            Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
            stream.ReadExactly(prefix);
            ulong headerLength = BitConverter.ToUInt64(prefix);
            if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - LengthPrefixBytes)
                throw new CheckpointFormatException(path, $"the header length field says {headerLength} bytes but the file has {fileLength - LengthPrefixBytes} bytes after it: truncated, or not a safetensors file.");
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            long dataStart = LengthPrefixBytes + (long)headerLength;
            var (tensors, offsets, metadata) = ParseHeader(path, header, fileLength - dataStart);
            return new SafeTensorsFile(path, stream, dataStart, tensors, offsets, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void ReadInto(CheckpointTensorInfo tensor, torch.Tensor destination)
    {
        _stream.Position = _dataStart + _offsets[tensor.Key];
        CheckpointTensorData.Fill(destination, tensor, _stream);
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private static (List<CheckpointTensorInfo>, Dictionary<string, long>, IReadOnlyDictionary<string, string>) ParseHeader(
        string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(header); }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(path, $"the header is not valid JSON ({ex.Message}).", ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(path, "the header JSON is not an object of tensor entries.");
            var tensors = new List<CheckpointTensorInfo>();
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    foreach (var item in entry.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.ToString();
                    continue;
                }
                var (info, begin) = ParseEntry(path, entry, dataLength);
                tensors.Add(info);
                offsets[info.Key] = begin;
            }
            // Transformers lists keys alphabetically; file order (by offset) makes sequential reads.
            tensors.Sort((a, b) => offsets[a.Key].CompareTo(offsets[b.Key]));
            return (tensors, offsets, metadata);
        }
    }

    private static (CheckpointTensorInfo Info, long Begin) ParseEntry(string path, JsonProperty entry, long dataLength)
    {
        string key = entry.Name;
        try
        {
            var value = entry.Value;
            string dtypeName = value.GetProperty("dtype").GetString() ?? "";
            var dtype = TensorDataTypes.FromSafeTensorsName(dtypeName)
                ?? throw new CheckpointFormatException(path, $"key '{key}' has unsupported dtype '{dtypeName}' (supported: {TensorDataTypes.SupportedSafeTensorsNames}).");
            var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0))
                throw new CheckpointFormatException(path, $"key '{key}' has a negative dimension in shape {TensorShapes.Format(shape)}.");
            var range = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var info = new CheckpointTensorInfo(key, dtype, shape, path);
            if (range.Length != 2 || range[0] < 0 || range[1] < range[0])
                throw new CheckpointFormatException(path, $"key '{key}' has invalid data_offsets [{string.Join(", ", range)}].");
            if (range[1] - range[0] != info.ByteLength)
                throw new CheckpointFormatException(path, $"key '{key}' has data_offsets [{range[0]}, {range[1]}] ({range[1] - range[0]} bytes) but dtype {dtypeName} and shape {TensorShapes.Format(shape)} need {info.ByteLength} bytes.");
            if (range[1] > dataLength)
                throw new CheckpointFormatException(path, $"key '{key}' ends at data byte {range[1]} but the file holds only {dataLength} data bytes: the file is truncated.");
            return (info, range[0]);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointFormatException(path, $"header entry '{key}' must be an object with dtype, shape and data_offsets ({ex.Message}).", ex);
        }
    }
}
