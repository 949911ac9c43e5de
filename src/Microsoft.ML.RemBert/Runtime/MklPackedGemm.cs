using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// oneMKL's packed SGEMM, as exported by the libtorch_cpu.so this process runs: <c>cblas_sgemm_pack</c> copies a weight
/// once into the layout oneMKL's kernels read, <c>cblas_sgemm_compute</c> multiplies by that copy. libtorch's own linear
/// calls oneMKL's plain SGEMM, which makes the same copy of the weight on every call; at a few dozen rows that copy
/// costs about as much as the product (docs/onnx-performance.md). ONNX Runtime packs its MatMul weights once too.
/// </summary>
/// <remarks>Thread-safe: the exports are resolved once, and oneMKL reads a packed matrix from any number of threads.</remarks>
internal static unsafe class MklPackedGemm
{
    // CBLAS's enumerations (mkl_cblas.h).
    private const int RowMajor = 101, NoTranspose = 111, Transpose = 112, PackedOperand = 151, BMatrix = 162;

    private static readonly Lazy<Exports?> Resolved = new(Resolve);
    private const string Unavailable = $"oneMKL's packed SGEMM is not exported by the libtorch this process loaded ({LibraryFileName})";

    private const string LibraryFileName = "libtorch_cpu.so";

    /// <summary>The three entry points (function pointers cannot be record members, hence a class).</summary>
    private sealed class Exports(nint getSize, nint pack, nint compute)
    {
        public readonly delegate* unmanaged<int, int, int, int, nuint> GetSize = (delegate* unmanaged<int, int, int, int, nuint>)getSize;
        public readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, void> Pack =
            (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, void>)pack;
        public readonly delegate* unmanaged<int, int, int, int, int, int, float*, int, float*, int, float, float*, int, void> Compute =
            (delegate* unmanaged<int, int, int, int, int, int, float*, int, float*, int, float, float*, int, void>)compute;
    }

    /// <summary>Null when packing is possible here, else why not (another libtorch build, another platform).</summary>
    public static string? WhyNotAvailable => Resolved.Value is null ? Unavailable : null;

    /// <summary>
    /// Packs the float32 CPU matrix Wᵀ of a linear layer whose <paramref name="weight"/> has nn.Linear's shape
    /// [out, in], stored either contiguously or as the transpose of a contiguous [in, out] tensor (TransposedLinear).
    /// </summary>
    /// <exception cref="NotSupportedException">Packing is not available in this process, or the weight has another type, device or layout.</exception>
    public static PackedMatrix Pack(Tensor weight)
    {
        var exports = Resolved.Value ?? throw new NotSupportedException(Unavailable);
        if (weight.dtype != ScalarType.Float32 || weight.device_type != DeviceType.CPU || weight.dim() != 2)
            throw new NotSupportedException($"Only a float32 CPU matrix can be packed, not a {weight.dtype} {weight.device_type} tensor of {weight.dim()} dimensions.");
        int outFeatures = checked((int)weight.shape[0]), inFeatures = checked((int)weight.shape[1]);
        var strides = weight.stride();
        // Wᵀ is [in, out]: stored [in, out] row-major it is B as is; stored [out, in] row-major it is B transposed.
        (int transpose, int leading) = strides[0] == 1 && strides[1] == outFeatures ? (NoTranspose, outFeatures)
            : strides[1] == 1 && strides[0] == inFeatures ? (Transpose, inFeatures)
            : throw new NotSupportedException($"A weight with strides [{strides[0]}, {strides[1]}] has no layout oneMKL can pack.");
        // The row count is a hint for the blocking; the packed matrix serves any number of rows.
        nuint bytes = exports.GetSize(BMatrix, RowsHint, outFeatures, inFeatures);
        var packed = new PackedMatrix(bytes, inFeatures, outFeatures);
        exports.Pack(RowMajor, BMatrix, transpose, RowsHint, outFeatures, inFeatures, 1.0f, (float*)DataPointer(weight), leading, (float*)packed.Address);
        GC.KeepAlive(weight);
        return packed;
    }

    /// <summary>
    /// <paramref name="input"/>·Wᵀ + <paramref name="bias"/> for a float32 CPU input [..., in]: a new [..., out] tensor,
    /// what <c>nn.functional.linear(input, W, bias)</c> gives, up to float rounding.
    /// </summary>
    public static Tensor Multiply(Tensor input, PackedMatrix packed, Tensor? bias)
    {
        var exports = Resolved.Value ?? throw new NotSupportedException(Unavailable);
        // oneMKL trusts the sizes it is given: a wrong width would read past the input.
        if (input.dim() == 0 || input.shape[^1] != packed.InFeatures || input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU)
            throw new ArgumentException($"The input must be a float32 CPU tensor of {packed.InFeatures} features, not a {input.dtype} {input.device_type} tensor of shape [{string.Join(", ", input.shape)}].", nameof(input));
        using var scope = NewDisposeScope();
        var rowsIn = input.is_contiguous() ? input : input.contiguous();
        int rows = checked((int)(rowsIn.numel() / packed.InFeatures));
        long[] shape = [.. input.shape[..^1], packed.OutFeatures];
        // C starts as the bias and the product is added to it (beta 1), as libtorch's addmm does.
        var result = bias is null ? zeros(shape, ScalarType.Float32) : bias.expand(shape).contiguous();
        bool added = false;
        try
        {
            // A concurrent Dispose then throws here instead of freeing the buffer under oneMKL.
            packed.DangerousAddRef(ref added);
            if (rows > 0)
                exports.Compute(RowMajor, NoTranspose, PackedOperand, rows, packed.OutFeatures, packed.InFeatures, (float*)DataPointer(rowsIn),
                    packed.InFeatures, (float*)packed.Address, packed.OutFeatures, 1.0f, (float*)DataPointer(result), packed.OutFeatures);
        }
        finally
        {
            if (added)
                packed.DangerousRelease();
        }
        // The wrappers must outlive the call: their finalizers would free the native tensors under oneMKL.
        GC.KeepAlive(rowsIn);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The rows oneMKL blocks its packed layout for: a service's small batches (1 × 32 tokens).</summary>
    private const int RowsHint = 32;

    private static void* DataPointer(Tensor tensor) => (void*)TensorAddress.Of(tensor);

    private static Exports? Resolve()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        nint torchCpu = ProcessMappings.Load(LibraryFileName);
        if (torchCpu == 0)
            return null;
        if (!NativeLibrary.TryGetExport(torchCpu, "cblas_sgemm_pack_get_size", out var getSize)
            || !NativeLibrary.TryGetExport(torchCpu, "cblas_sgemm_pack", out var pack)
            || !NativeLibrary.TryGetExport(torchCpu, "cblas_sgemm_compute", out var compute))
            return null;
        return new(getSize, pack, compute);
    }
}

/// <summary>
/// A matrix packed by oneMKL, in native memory (64-byte aligned, as oneMKL asks; never moved). Freed by Dispose or,
/// if dropped, by its finalizer; its size is reported to the GC as memory pressure meanwhile.
/// </summary>
internal sealed unsafe class PackedMatrix : SafeHandle
{
    private readonly long _bytes;

    public PackedMatrix(nuint bytes, int inFeatures, int outFeatures) : base(IntPtr.Zero, ownsHandle: true)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        SetHandle((nint)NativeMemory.AlignedAlloc(bytes, 64));
        _bytes = checked((long)bytes);
        GC.AddMemoryPressure(_bytes);
    }

    /// <summary>The layer's input width (K).</summary>
    public int InFeatures { get; }

    /// <summary>The layer's output width (N).</summary>
    public int OutFeatures { get; }

    /// <summary>The bytes oneMKL asked for (about 1.7 to 2.9 times the float32 weight, by its shape).</summary>
    public long Bytes => _bytes;

    /// <summary>Where the packed data starts; valid while a DangerousAddRef is held.</summary>
    public void* Address => (void*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure(_bytes);
        return true;
    }
}
