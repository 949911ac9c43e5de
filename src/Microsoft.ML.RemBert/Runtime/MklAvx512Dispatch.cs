using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;
using TorchSharp;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// Lets the oneMKL inside libtorch use its AVX-512 SGEMM kernels on non-Intel CPUs that have AVX-512.
/// </summary>
/// <remarks>
/// libtorch's float32 matmuls (every nn.Linear) are oneMKL's SGEMM, linked into libtorch_cpu.so. oneMKL picks its kernels
/// by CPU vendor first: on an AMD CPU its vendor check (<c>mkl_serv_intel_cpu_true</c>) answers 0 and it runs a generic
/// AVX2 "zen" kernel even where the CPU has AVX-512 (Zen 4 and 5), about half the speed of its AVX-512 kernel on this
/// project's Zen 5 machines (docs/native-runtime.md). libtorch_cpu.so calls that check through its own GOT (a lazily bound
/// R_X86_64_JUMP_SLOT, as <c>LD_PRELOAD</c> interposition relies on), so <see cref="Apply"/> points that one slot at a
/// six-byte native stub (<c>mov eax, 1; ret</c> in a page of its own) that answers 1; oneMKL then selects kernels by the
/// CPU's features as it does on Intel CPUs. The stub is machine code, not a managed callback, so oneMKL's OpenMP threads
/// never enter the .NET runtime. The library file is not modified. Results stay IEEE float32 (only the order of the sums
/// inside a dot product changes, as between any two BLAS kernels).
/// <para>
/// It is process-wide: every later float32 matmul of that libtorch in the process, other TorchSharp code's included,
/// gets the AVX-512 kernels. <see cref="TorchRuntime.UseMklAvx512Kernels"/> applies it (our model constructors call it);
/// <see cref="TorchRuntime.MklDispatch"/> only reads the outcome. oneMKL checks the vendor at its first dispatch, so
/// matmuls run earlier keep the kernel chosen then (the slot is then put back and the status says so). Nothing is done
/// on Intel CPUs (the check already answers 1), on CPUs without AVX-512 (oneMKL's AVX2 choice is then right), off Linux
/// x64, or when the environment variable <c>REMBERT_MKL_AVX512</c> is <c>0</c>. Every other case that does not look
/// exactly as expected (another libtorch, a slot already redirected by <c>LD_PRELOAD</c>, a read-only slot, a library
/// file the ELF reader refuses, a system that refuses an executable page) leaves the process untouched and says why: no
/// exception leaves <see cref="Apply"/>. The first call decides; later calls return its status. Thread-safe.
/// </para>
/// </remarks>
internal static unsafe class MklAvx512Dispatch
{
    /// <summary>The environment variable that turns the redirection off (<c>0</c>).</summary>
    public const string EnvironmentVariable = "REMBERT_MKL_AVX512";

    private const string VendorCheck = "mkl_serv_intel_cpu_true";
    private const string LibraryFileName = "libtorch_cpu.so";
    private const string CpuDetect = "mkl_serv_cpu_detect";
    /// <summary>What <c>mkl_serv_cpu_detect</c> answers for its generic code path (the one it keeps for non-Intel CPUs).</summary>
    private const int GenericCpuType = 0;

    private static readonly MklDispatchStatus NotRequested =
        MklDispatchStatus.NotApplied("not requested yet (no model built, TorchRuntime.UseMklAvx512Kernels not called)");

    private static readonly Lock Gate = new();
    private static MklDispatchStatus? decided;

    /// <summary>What the first <see cref="Apply"/> did, or that it has not run; applies nothing.</summary>
    public static MklDispatchStatus Current => Volatile.Read(ref decided) ?? NotRequested;

    /// <summary>Redirects the vendor check once per process (the first call decides) and returns what was done; never throws.</summary>
    public static MklDispatchStatus Apply()
    {
        if (Volatile.Read(ref decided) is { } status)
            return status;
        lock (Gate)
        {
            decided ??= Decide(Redirect);
            return decided;
        }
    }

    /// <summary>The checks before any change, then <paramref name="redirect"/>; an exception anywhere becomes a "not applied" status.</summary>
    internal static MklDispatchStatus Decide(Func<MklDispatchStatus> redirect)
    {
        try
        {
            if (Environment.GetEnvironmentVariable(EnvironmentVariable) == "0")
                return MklDispatchStatus.NotApplied($"turned off by {EnvironmentVariable}=0");
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
                return MklDispatchStatus.NotApplied("only done on Linux x64");
            if (CpuVendor() == "GenuineIntel")
                return MklDispatchStatus.NotApplied("Intel CPU: oneMKL already selects its kernels by the CPU's features");
            if (!Avx512F.IsSupported)
                return MklDispatchStatus.NotApplied("the CPU has no AVX-512: oneMKL's AVX2 kernels are the right ones");
            _ = torch.get_num_threads(); // loads libtorch if nothing has yet
            return redirect();
        }
        catch (Exception ex)
        {
            // Whatever went wrong happened before the slot was written (or after it was put back): the process is as it was.
            return MklDispatchStatus.NotApplied($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static MklDispatchStatus Redirect()
    {
        var mappings = ProcessMappings.Read().Where(m => Path.GetFileName(m.Path) == LibraryFileName).ToArray();
        if (mappings.Length == 0)
            return MklDispatchStatus.NotApplied($"{LibraryFileName} is not loaded (another libtorch build?)");
        string path = mappings[0].Path;
        var slot = ElfImportSlots.Find(path, VendorCheck, out var whyNot);
        if (slot is null)
            return MklDispatchStatus.NotApplied($"{path}: {whyNot}");
        if (!NativeLibrary.TryLoad(path, out var handle) || !NativeLibrary.TryGetExport(handle, VendorCheck, out var check))
            return MklDispatchStatus.NotApplied($"{path} does not export {VendorCheck}");
        ulong loadBase = (ulong)check - slot.Value.SymbolValue;
        if (!mappings.Any(m => m.Start == loadBase && m.FileOffset == 0))
            return MklDispatchStatus.NotApplied($"{path}: {VendorCheck} is not where the file's symbol table puts it");
        ulong slotAddress = loadBase + slot.Value.SlotOffset;
        var slotMapping = mappings.FirstOrDefault(m => m.Start <= slotAddress && slotAddress + 8 <= m.End);
        if (slotMapping is null || !slotMapping.Writable)
            return MklDispatchStatus.NotApplied($"{path}: the GOT slot of {VendorCheck} is read-only (bound at load)");
        nint current = *(nint*)slotAddress;
        // Lazily bound: still the PLT stub (inside the library); bound: the function itself. Anything else is someone
        // else's interposition, which we leave alone.
        if (current != check && !mappings.Any(m => m.Start <= (ulong)current && (ulong)current < m.End))
            return MklDispatchStatus.NotApplied($"{VendorCheck} is already interposed by another library (LD_PRELOAD?)");
        if (NativeStub.ReturningOne(out var whyNoStub) is not { } replacement)
            return MklDispatchStatus.NotApplied(whyNoStub!);
        Interlocked.Exchange(ref *(nint*)slotAddress, replacement);
        // oneMKL keeps the CPU type it found at its first call: if a float32 matmul ran before this, the redirection is
        // too late, and is undone rather than leave oneMKL half-informed.
        int cpuType = NativeLibrary.TryGetExport(handle, CpuDetect, out var detect) ? ((delegate* unmanaged<int>)detect)() : -1;
        if (cpuType == GenericCpuType)
        {
            Interlocked.Exchange(ref *(nint*)slotAddress, current);
            return MklDispatchStatus.NotApplied("oneMKL had already chosen its kernels (a float32 matmul ran before the first model was built)");
        }
        return MklDispatchStatus.AppliedNow($"oneMKL in {path} selects its kernels by the CPU's features (its CPU type: {cpuType})");
    }

    /// <summary>The CPU's vendor string (CPUID leaf 0: "GenuineIntel", "AuthenticAMD"…), or "" off x86.</summary>
    internal static string CpuVendor()
    {
        if (!X86Base.IsSupported)
            return "";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<byte> vendor = stackalloc byte[12];
        BitConverter.TryWriteBytes(vendor, ebx);
        BitConverter.TryWriteBytes(vendor[4..], edx);
        BitConverter.TryWriteBytes(vendor[8..], ecx);
        return Encoding.ASCII.GetString(vendor);
    }
}

/// <summary>Whether oneMKL's vendor check was redirected in this process (see <see cref="TorchRuntime.UseMklAvx512Kernels"/>), and why (not).</summary>
/// <param name="Applied">True when oneMKL now selects its kernels by the CPU's features.</param>
/// <param name="Reason">"applied: " and what was done, or "not applied: " and why.</param>
public sealed record MklDispatchStatus(bool Applied, string Reason)
{
    internal static MklDispatchStatus AppliedNow(string what) => new(true, "applied: " + what);

    internal static MklDispatchStatus NotApplied(string why) => new(false, "not applied: " + why);
}

/// <summary>One line of /proc/self/maps: an address range of this process and the file mapped there.</summary>
internal sealed record ProcessMappings(ulong Start, ulong End, bool Writable, ulong FileOffset, string Path)
{
    /// <summary>
    /// A handle to the library named <paramref name="fileName"/> that this process has mapped (libtorch loaded first if
    /// nothing has loaded it yet), or 0 when none is.
    /// </summary>
    public static nint Load(string fileName)
    {
        _ = torch.get_num_threads();
        return Read().Select(m => m.Path).FirstOrDefault(p => System.IO.Path.GetFileName(p) == fileName) is { } path
            && NativeLibrary.TryLoad(path, out var handle) ? handle : 0;
    }

    public static IEnumerable<ProcessMappings> Read()
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6)
                continue;
            var range = fields[0].Split('-');
            yield return new(ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[1].Length > 1 && fields[1][1] == 'w',
                ulong.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields[5].Trim());
        }
    }
}
