using TorchSharp;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>Chooses the device a model runs on and reports what the native backend offers.</summary>
public static class TorchRuntime
{
    /// <summary>Parses "cpu", "cuda" or "cuda:N"; "auto" picks CUDA when the CUDA backend is referenced and a GPU is present.</summary>
    public static torch.Device ParseDevice(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        try { return torch.device(name); }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new ArgumentException($"Unknown device '{name}'. Use cpu, cuda, cuda:N or auto.", nameof(name), ex);
        }
    }

    /// <summary>
    /// Whether oneMKL (libtorch's float32 matmul) was allowed its AVX-512 kernels on this non-Intel CPU, and why (not).
    /// Done once per process, before the first model is built; <c>REMBERT_MKL_AVX512=0</c> turns it off. See the
    /// README's "Native runtime" section.
    /// </summary>
    public static MklDispatchStatus MklDispatch => MklAvx512Dispatch.EnsureApplied();
}
