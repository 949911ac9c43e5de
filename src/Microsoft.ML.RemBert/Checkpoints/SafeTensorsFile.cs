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

    /// <summary>safetensors itself refuses headers above 100 MB; a larger value means the file is not safetensors.</summary>
    public const long MaxHeaderBytes = 100_000_000;

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
            if (headerLength > MaxHeaderBytes)
                throw new CheckpointFormatException(path, $"the header length field says {headerLength} bytes, over the {MaxHeaderBytes}-byte limit safetensors sets for a header: not a safetensors file, or a damaged one.");
            if ((long)headerLength > fileLength - LengthPrefixBytes)
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
        if (IO.JsonFiles.InvalidUtf8Offset(header) is var bad and >= 0)
            throw new CheckpointFormatException(path, $"the header is not valid UTF-8 (byte {bad} of the header).");
        JsonDocument document;
        try { document = JsonDocument.Parse(header, IO.JsonFiles.StrictOptions); }
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
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                        throw new CheckpointFormatException(path, $"header entry '{MetadataKey}' is {entry.Value.ValueKind}, not an object of strings.");
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
        CheckpointFormatException Fail(string problem) => new(path, $"key '{key}' {problem}");
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw Fail($"is {value.ValueKind}, not an object with dtype, shape and data_offsets.");
        var dtypeName = Property(value, "dtype", JsonValueKind.String, Fail).GetString() ?? "";
        var dtype = TensorDataTypes.FromSafeTensorsName(dtypeName)
            ?? throw Fail($"has unsupported dtype '{dtypeName}' (supported: {TensorDataTypes.SupportedSafeTensorsNames}).");
        var shape = Integers(Property(value, "shape", JsonValueKind.Array, Fail), "shape", Fail);
        if (shape.Any(d => d < 0))
            throw Fail($"has a negative dimension in shape {TensorShapes.Format(shape)}.");
        if (!TensorShapes.TryByteLength(shape, TensorDataTypes.ElementSize(dtype), out long byteLength))
            throw Fail($"has shape {TensorShapes.Format(shape)}, whose size in bytes overflows 64 bits.");
        var range = Integers(Property(value, "data_offsets", JsonValueKind.Array, Fail), "data_offsets", Fail);
        if (range.Length != 2 || range[0] < 0 || range[1] < range[0])
            throw Fail($"has invalid data_offsets [{string.Join(", ", range)}] (expected [begin, end] with 0 <= begin <= end).");
        if (range[1] - range[0] != byteLength)
            throw Fail($"has data_offsets [{range[0]}, {range[1]}] ({range[1] - range[0]} bytes) but dtype {dtypeName} and shape {TensorShapes.Format(shape)} need {byteLength} bytes.");
        if (range[1] > dataLength)
            throw Fail($"ends at data byte {range[1]} but the file holds only {dataLength} data bytes: the file is truncated.");
        return (new CheckpointTensorInfo(key, dtype, shape, path), range[0]);
    }

    private static JsonElement Property(JsonElement entry, string name, JsonValueKind kind, Func<string, CheckpointFormatException> fail)
    {
        if (!entry.TryGetProperty(name, out var property))
            throw fail($"has no {name} (a header entry needs dtype, shape and data_offsets).");
        return property.ValueKind == kind ? property : throw fail($"has {name} {property.GetRawText()}, which is not {(kind == JsonValueKind.Array ? "an array" : "a string")}.");
    }

    /// <summary>An array of integers; an integer outside the 64-bit range is reported as such, not as "not an integer".</summary>
    private static long[] Integers(JsonElement array, string name, Func<string, CheckpointFormatException> fail) =>
        array.EnumerateArray().Select(item =>
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out long number)) return number;
            if (item.ValueKind == JsonValueKind.Number && IO.JsonFiles.IsIntegralNumber(item.GetRawText()))
                throw fail($"has {name} value {item.GetRawText()}, which is out of range (a 64-bit integer is at most {long.MaxValue}).");
            throw fail($"has {name} value {item.GetRawText()}, which is not an integer.");
        }).ToArray();
}
