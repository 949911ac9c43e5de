using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace OnnxComparison;

/// <summary>
/// A linear layer's weight packed ONCE by the oneMKL linked into libtorch_cpu.so (<c>cblas_sgemm_pack</c>), then
/// multiplied by <c>cblas_sgemm_compute</c>: what ONNX Runtime does with its pre-packed MatMul weights. libtorch's
/// nn.Linear calls oneMKL's SGEMM, which re-packs the weight on every call; at 1 x 32 that copy costs about as many
/// profile samples as the multiplication itself (docs/onnx-performance.md). An experiment for --profile, not a model path.
/// </summary>
internal sealed unsafe class MklPackedGemm : IDisposable
{
    private const int RowMajor = 101, NoTranspose = 111, Packed = 151, BMatrix = 162;

    private static readonly Lazy<nint> Library = new(() =>
    {
        string path = File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5].Trim()) == "libtorch_cpu.so").Select(fields => fields[5].Trim())
            .FirstOrDefault() ?? throw new InvalidOperationException("libtorch_cpu.so is not loaded: no oneMKL to pack with.");
        return NativeLibrary.Load(path);
    });

    private readonly void* _packed;
    private readonly Tensor _bias;
    private readonly int _in, _out;

    /// <summary>Packs <paramref name="storedTransposed"/>, a contiguous float32 [in, out] weight (Wᵀ), for any number of rows.</summary>
    public MklPackedGemm(Tensor storedTransposed, Tensor bias, int rowsHint)
    {
        if (storedTransposed.dtype != ScalarType.Float32 || !storedTransposed.is_contiguous() || storedTransposed.dim() != 2)
            throw new ArgumentException("The weight must be a contiguous float32 [in, out] tensor.", nameof(storedTransposed));
        _in = checked((int)storedTransposed.shape[0]);
        _out = checked((int)storedTransposed.shape[1]);
        _bias = bias;
        var getSize = (delegate* unmanaged<int, int, int, int, nuint>)NativeLibrary.GetExport(Library.Value, "cblas_sgemm_pack_get_size");
        var pack = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, void>)NativeLibrary.GetExport(Library.Value, "cblas_sgemm_pack");
        PackedBytes = getSize(BMatrix, rowsHint, _out, _in);
        _packed = NativeMemory.AlignedAlloc(PackedBytes, 64);
        pack(RowMajor, BMatrix, NoTranspose, rowsHint, _out, _in, 1.0f, Data(storedTransposed), _out, (float*)_packed);
    }

    /// <summary>The bytes oneMKL asked for the packed weight.</summary>
    public nuint PackedBytes { get; }

    /// <summary>x·W + bias for a contiguous float32 [..., in] input, as a new [..., out] tensor.</summary>
    public Tensor Forward(Tensor input)
    {
        if (!input.is_contiguous() || input.shape[^1] != _in)
            throw new ArgumentException($"The input must be contiguous with {_in} features.", nameof(input));
        var compute = (delegate* unmanaged<int, int, int, int, int, int, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(Library.Value, "cblas_sgemm_compute");
        int rows = checked((int)(input.numel() / _in));
        long[] shape = [.. input.shape[..^1], _out];
        // C starts as the bias and the product is added to it (beta 1), as libtorch's addmm does.
        var result = _bias.expand(shape).contiguous();
        compute(RowMajor, NoTranspose, Packed, rows, _out, _in, Data(input), _in, (float*)_packed, _out, 1.0f, Data(result), _out);
        return result;
    }

    private static float* Data(Tensor tensor) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));

    public void Dispose() => NativeMemory.AlignedFree(_packed);
}
