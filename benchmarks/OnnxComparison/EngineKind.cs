namespace OnnxComparison;

/// <summary>The seven ways of running the same weights that the table compares.</summary>
internal enum EngineKind
{
    /// <summary>Our TorchSharp forward in float32.</summary>
    TorchFloat32,

    /// <summary>Our TorchSharp forward in float32 with the encoder's weights prepacked for oneMKL
    /// (what <c>ConfigureRemBertScoring(new() { PrepackWeights = true })</c> does to a loaded model).</summary>
    TorchFloat32Prepacked,

    /// <summary>Our TorchSharp forward with the weights loaded in bfloat16 (RemBertPrecision.BFloat16).</summary>
    TorchBFloat16,

    /// <summary>Our bfloat16 forward with the encoder's weights prepacked for oneDNN (PrepackWeights in bfloat16).</summary>
    TorchBFloat16Prepacked,

    /// <summary>ONNX Runtime on our float32 export.</summary>
    OrtFloat32,

    /// <summary>ONNX Runtime on our int8 export (RemBertOnnxExportOptions.QuantizeInt8).</summary>
    OrtInt8,

    /// <summary>ONNX Runtime on the standard export of the same weights (torch.onnx.export by export_standard_onnx.py): the peer.</summary>
    OrtStandardFloat32,
}

/// <summary>Names and files of <see cref="EngineKind"/>.</summary>
internal static class EngineKinds
{
    /// <summary>The name on the command line of a child process.</summary>
    public static string Name(EngineKind kind) => kind switch
    {
        EngineKind.TorchFloat32 => "torch-fp32",
        EngineKind.TorchFloat32Prepacked => "torch-fp32-prepacked",
        EngineKind.TorchBFloat16 => "torch-bf16",
        EngineKind.TorchBFloat16Prepacked => "torch-bf16-prepacked",
        EngineKind.OrtFloat32 => "ort-fp32",
        EngineKind.OrtInt8 => "ort-int8",
        EngineKind.OrtStandardFloat32 => "ort-standard-fp32",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The engine a child's command line names.</summary>
    public static EngineKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<EngineKind>())
            if (Name(kind) == name) return kind;
        throw new ArgumentException($"Unknown engine '{name}'; use {string.Join(", ", Enum.GetValues<EngineKind>().Select(Name))}.", nameof(name));
    }

    /// <summary>True for the ONNX Runtime engines on our ConvertToOnnx exports.</summary>
    public static bool IsOnnx(EngineKind kind) => kind is EngineKind.OrtFloat32 or EngineKind.OrtInt8;

    /// <summary>The export an ONNX Runtime engine loads.</summary>
    public static string OnnxFile(EngineKind kind) => kind switch
    {
        EngineKind.OrtInt8 => "model.int8.onnx",
        EngineKind.OrtStandardFloat32 => "model.standard.onnx",
        _ => "model.onnx",
    };
}
