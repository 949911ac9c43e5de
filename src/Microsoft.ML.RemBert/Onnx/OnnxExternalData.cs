using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// The side file of an export with <see cref="RemBertOnnxExportOptions.ExternalDataPath"/> (ONNX external data): every
/// weight of at least <see cref="InlineThresholdBytes"/> is appended to it, its offset aligned as ONNX Runtime's own
/// writer aligns them so that the runtime can map it instead of copying it, and the graph's initializer names the
/// file, the offset and the length. The file is written atomically: it appears whole when the graph is complete, and
/// a failed export leaves the path as it was.
/// </summary>
/// <remarks>
/// The graph names the side file by its file name alone: ONNX Runtime resolves it against the directory of the .onnx
/// file it loads, so both files must share a directory, and a model loaded from bytes cannot find its weights.
/// </remarks>
internal sealed class OnnxExternalData
{
    /// <summary>Tensors smaller than this stay inside the .onnx file (onnx's own default <c>size_threshold</c>).</summary>
    public const long InlineThresholdBytes = 1024;

    /// <summary>Tensors of at least this size start at a multiple of <see cref="LargeAlignment"/> (ONNX Runtime's <c>align_threshold</c>).</summary>
    private const long LargeTensorBytes = 1 << 20;

    /// <summary>64 KiB: ONNX Runtime's default allocation granularity for mapped external data (Windows needs it; it is a multiple of every page size).</summary>
    private const long LargeAlignment = 64 << 10;

    /// <summary>Smaller tensors start on a 4 KiB page.</summary>
    private const long PageAlignment = 4 << 10;

    private readonly Stream _file;
    private readonly string _location;
    private long _length;

    private OnnxExternalData(Stream file, string location)
    {
        _file = file;
        _location = location;
    }

    /// <summary>
    /// Runs <paramref name="save"/> (a task's graph writer) with <paramref name="options"/>: unchanged when they name no
    /// <see cref="RemBertOnnxExportOptions.ExternalDataPath"/>, else with <see cref="RemBertOnnxExportOptions.ExternalData"/>
    /// writing to that file, which is committed when <paramref name="save"/> returns and left untouched when it throws.
    /// </summary>
    public static void Save(RemBertOnnxExportOptions options, Action<RemBertOnnxExportOptions> save)
    {
        if (options.ExternalDataPath is not { } path)
        {
            save(options);
            return;
        }
        AtomicFile.Write(path, stream => save(options with { ExternalData = new OnnxExternalData(stream, Path.GetFileName(path)) }));
    }

    /// <summary>Appends <paramref name="values"/> (contiguous, on the CPU, of <paramref name="type"/>) and adds the initializer that points at them.</summary>
    public string Add(OnnxContext ctx, string name, OnnxDataType type, Tensor values)
    {
        long length = TensorBytes.ByteLength(values);
        long alignment = length >= LargeTensorBytes ? LargeAlignment : PageAlignment;
        long offset = (_length + alignment - 1) / alignment * alignment;
        _file.Write(new byte[offset - _length]);
        TensorBytes.Write(_file, values);
        _length = offset + length;
        return OnnxInitializers.AddExternal(ctx, name, type, values.shape, _location, offset, length);
    }
}
