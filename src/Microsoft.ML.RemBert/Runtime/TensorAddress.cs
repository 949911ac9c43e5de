using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// Where a tensor's data starts (its storage offset included), whatever its strides: libtorch's <c>data_ptr</c>,
/// through LibTorchSharp's export (TorchSharp's own accessors refuse non-contiguous tensors). A weight given new storage
/// (a move, a conversion) has a new address.
/// </summary>
internal static unsafe class TensorAddress
{
    private const string LibraryFileName = "libLibTorchSharp.so";

    private static readonly Lazy<nint> Export = new(() =>
        ProcessMappings.Load(LibraryFileName) is var library && library != 0 && NativeLibrary.TryGetExport(library, "THSTensor_data", out var data) ? data : 0);

    /// <summary>Null when addresses can be read here, else why not.</summary>
    public static string? WhyNotAvailable => Export.Value == 0 ? $"{LibraryFileName} with THSTensor_data is not loaded in this process" : null;

    /// <summary>The address of <paramref name="tensor"/>'s first element.</summary>
    public static nint Of(Tensor tensor)
    {
        if (Export.Value == 0)
            throw new NotSupportedException(WhyNotAvailable);
        nint address = ((delegate* unmanaged<nint, nint>)Export.Value)(tensor.Handle);
        // The wrapper must outlive the call: its finalizer would free the native tensor under it.
        GC.KeepAlive(tensor);
        return address != 0 ? address : throw new InvalidOperationException("libtorch gave no data pointer for the tensor.");
    }
}
