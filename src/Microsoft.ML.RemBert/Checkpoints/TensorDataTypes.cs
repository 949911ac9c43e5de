using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Maps the element-type names used by safetensors headers and PyTorch pickles to TorchSharp types.</summary>
internal static class TensorDataTypes
{
    private static readonly IReadOnlyDictionary<string, torch.ScalarType> SafeTensorsNames = new Dictionary<string, torch.ScalarType>
    {
        ["F64"] = torch.ScalarType.Float64,
        ["F32"] = torch.ScalarType.Float32,
        ["F16"] = torch.ScalarType.Float16,
        ["BF16"] = torch.ScalarType.BFloat16,
        ["I64"] = torch.ScalarType.Int64,
        ["I32"] = torch.ScalarType.Int32,
        ["I16"] = torch.ScalarType.Int16,
        ["I8"] = torch.ScalarType.Int8,
        ["U8"] = torch.ScalarType.Byte,
        ["BOOL"] = torch.ScalarType.Bool,
    };

    // torch.save names the element type through the legacy typed-storage class of the tensor's storage.
    private static readonly IReadOnlyDictionary<string, torch.ScalarType> TorchStorageNames = new Dictionary<string, torch.ScalarType>
    {
        ["DoubleStorage"] = torch.ScalarType.Float64,
        ["FloatStorage"] = torch.ScalarType.Float32,
        ["HalfStorage"] = torch.ScalarType.Float16,
        ["BFloat16Storage"] = torch.ScalarType.BFloat16,
        ["LongStorage"] = torch.ScalarType.Int64,
        ["IntStorage"] = torch.ScalarType.Int32,
        ["ShortStorage"] = torch.ScalarType.Int16,
        ["CharStorage"] = torch.ScalarType.Int8,
        ["ByteStorage"] = torch.ScalarType.Byte,
        ["BoolStorage"] = torch.ScalarType.Bool,
    };

    /// <summary>The type for a safetensors dtype string, or null when unsupported.</summary>
    public static torch.ScalarType? FromSafeTensorsName(string name) =>
        SafeTensorsNames.TryGetValue(name, out var type) ? type : null;

    /// <summary>The safetensors dtype string for a type.</summary>
    public static string ToSafeTensorsName(torch.ScalarType type) =>
        SafeTensorsNames.FirstOrDefault(pair => pair.Value == type).Key
        ?? throw new NotSupportedException($"Element type {type} has no safetensors name.");

    /// <summary>The type for a PyTorch storage class name such as <c>FloatStorage</c>, or null when unsupported.</summary>
    public static torch.ScalarType? FromTorchStorageName(string name) =>
        TorchStorageNames.TryGetValue(name, out var type) ? type : null;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
        torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Int16 => 2,
        torch.ScalarType.Int8 or torch.ScalarType.Byte or torch.ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"Element type {type} is not supported in checkpoints."),
    };

    /// <summary>The names safetensors files may use, for error messages.</summary>
    public static string SupportedSafeTensorsNames => string.Join(", ", SafeTensorsNames.Keys);
}
