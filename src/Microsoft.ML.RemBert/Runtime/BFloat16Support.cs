using Microsoft.ML.RemBert.Modeling;
using TorchSharp;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// Whether a device multiplies bfloat16 natively. Without native support libtorch emulates bfloat16 through float32
/// conversions, which works but is slower than float32: asking for <see cref="RemBertPrecision.BFloat16"/> there
/// gets one warning instead of silently making things worse.
/// </summary>
public static class BFloat16Support
{
    // CPU flags (Linux /proc/cpuinfo) of native bfloat16 dot products: x64 AVX512-BF16 or AMX-BF16, Arm BF16.
    private static readonly string[] NativeCpuFlags = { "avx512_bf16", "amx_bf16", "bf16" };
    private static readonly Lazy<bool> CpuIsNative = new(() => CpuInfoHasNativeBFloat16(ReadCpuInfo()));

    /// <summary>
    /// True when <paramref name="device"/> computes in bfloat16 natively: a CUDA device (GPUs since Ampere; older ones
    /// emulate it in libtorch), or a CPU whose flags list AVX512-BF16, AMX-BF16 or Arm's BF16. False where the CPU
    /// flags cannot be read (other operating systems than Linux).
    /// </summary>
    public static bool IsNative(torch.Device device) => device.type == DeviceType.CUDA || CpuIsNative.Value;

    /// <summary>True when a /proc/cpuinfo text's <c>flags</c> (x64) or <c>Features</c> (Arm) lines name a native bfloat16 flag.</summary>
    internal static bool CpuInfoHasNativeBFloat16(string? cpuInfo) =>
        cpuInfo is not null && cpuInfo.Split('\n')
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal) || line.StartsWith("Features", StringComparison.Ordinal))
            .SelectMany(line => line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(flag => NativeCpuFlags.Contains(flag));

    /// <summary>
    /// Sends one warning to <paramref name="log"/> when <paramref name="precision"/> is bfloat16 and <paramref name="device"/>
    /// would emulate it (see <see cref="IsNative"/>): it works, but slower than float32.
    /// </summary>
    /// <param name="precision">The precision asked for.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="log">Receives the warning; null discards it.</param>
    public static void WarnIfEmulated(RemBertPrecision precision, torch.Device device, Action<string>? log) =>
        WarnIfEmulated(precision, device, log, isNative: null);

    /// <summary>As <see cref="WarnIfEmulated(RemBertPrecision, torch.Device, Action{string}?)"/>, asking <paramref name="isNative"/> (tests) instead of <see cref="IsNative"/>.</summary>
    internal static void WarnIfEmulated(RemBertPrecision precision, torch.Device device, Action<string>? log, Func<torch.Device, bool>? isNative)
    {
        if (precision != RemBertPrecision.BFloat16 || log is null || (isNative ?? IsNative)(device))
            return;
        log($"Warning: bfloat16 precision was asked for, but this {device.type.ToString().ToLowerInvariant()} has no native bfloat16 " +
            "arithmetic (AVX512-BF16 or AMX-BF16 on x64, BF16 on Arm, or a CUDA GPU): it works, but runs slower than float32 here.");
    }

    private static string? ReadCpuInfo()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/cpuinfo") : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
