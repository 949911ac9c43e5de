using TorchSharp;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>Chooses the device a model runs on and reports what the native backend offers.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Parses "cpu", "cuda" or "cuda:N"; "auto" picks CUDA when the CUDA backend is referenced and a GPU is present.
    /// A CUDA device this process cannot use (the CPU build of TorchSharp, no GPU, or N beyond the GPUs present) is an
    /// <see cref="ArgumentException"/> naming it and the devices that are available.
    /// </summary>
    public static torch.Device ParseDevice(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        // Checked before torch.device, which throws an InvalidOperationException about the native backend for CUDA without it.
        bool isCuda = name.TrimStart().StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
        if (isCuda && !torch.cuda.is_available())
            throw NotAvailable(name);
        torch.Device device;
        try { device = torch.device(name); }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new ArgumentException($"Unknown device '{name}'. Use cpu, cuda, cuda:N or auto.", nameof(name), ex);
        }
        if (device.type == DeviceType.CUDA && device.index >= torch.cuda.device_count())
            throw NotAvailable(name);
        return device;
    }

    private static ArgumentException NotAvailable(string name) =>
        new($"Device '{name}' is not available in this process; available: {AvailableDevices()}.");

    /// <summary>The devices <see cref="ParseDevice"/> accepts here, e.g. "cpu" or "cpu, cuda:0, cuda:1".</summary>
    private static string AvailableDevices()
    {
        if (!torch.cuda.is_available())
            return "cpu only (no CUDA GPU, or the CPU build of TorchSharp: reference TorchSharp-cuda-linux/-windows for GPUs)";
        return string.Join(", ", Enumerable.Range(0, torch.cuda.device_count()).Select(i => $"cuda:{i}").Prepend("cpu"));
    }

    /// <summary>
    /// Whether oneMKL (libtorch's float32 matmul) was given its AVX-512 kernels on this non-Intel CPU, and why (not).
    /// Only reads the outcome of <see cref="UseMklAvx512Kernels"/>: before the first call it says "not applied: not
    /// requested yet".
    /// </summary>
    public static MklDispatchStatus MklDispatch => MklAvx512Dispatch.Current;

    /// <summary>
    /// Lets the oneMKL inside libtorch use its AVX-512 float32 kernels on a non-Intel CPU that has AVX-512 (AMD Zen 4
    /// and 5: about twice the matmul speed), by pointing libtorch_cpu.so's call of oneMKL's CPU-vendor check at a
    /// native stub that answers "Intel". Every RemBERT model constructor calls it, so a user need not; call it yourself
    /// before your own first float32 matmul to get the kernels for other TorchSharp code too. Process-wide and
    /// one-way: every later float32 matmul of that libtorch in the process, other libraries' included, uses the
    /// kernels oneMKL picks by the CPU's features. <c>REMBERT_MKL_AVX512=0</c> turns it off. It never throws: anything
    /// unexpected leaves the process untouched and the status says why. The first call decides; later calls return
    /// its status. Thread-safe. See docs/native-runtime.md.
    /// </summary>
    public static MklDispatchStatus UseMklAvx512Kernels() => MklAvx512Dispatch.Apply();
}
